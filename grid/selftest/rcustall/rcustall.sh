echo 3 > /sys/module/rcupdate/parameters/rcu_cpu_stall_timeout || exit 1
insmod ./gridbait.ko mode=rcustall secs=10 || exit 1
rmmod gridbait
