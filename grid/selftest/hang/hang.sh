insmod ./gridbait.ko mode=hang
