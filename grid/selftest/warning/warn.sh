insmod ./gridbait.ko mode=warn || exit 1
rmmod gridbait
