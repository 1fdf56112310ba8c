# The guest runs the kernel the host prepared, and the share is writable.
set -e
echo "release: $(uname -r), expected $GRID_RELEASE"
[ "$(uname -r)" = "$GRID_RELEASE" ]
echo ok > "$GRID/boot.check"
[ "$(cat "$GRID/boot.check")" = ok ]
rm "$GRID/boot.check"
echo "cpus: $(nproc), accel: $GRID_ACCEL"
