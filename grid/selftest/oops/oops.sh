insmod ./gridbait.ko mode=oops
