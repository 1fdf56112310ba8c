insmod ./gridbait.ko mode=warn
