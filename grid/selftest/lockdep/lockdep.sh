insmod ./gridbait.ko mode=lockdep || exit 1
rmmod gridbait
