insmod ./gridbait.ko mode=kasan || exit 1
rmmod gridbait
