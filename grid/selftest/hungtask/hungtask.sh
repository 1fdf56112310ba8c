echo 2 > /proc/sys/kernel/hung_task_timeout_secs || exit 1
insmod ./gridbait.ko mode=hungtask secs=12 || exit 1
rmmod gridbait
