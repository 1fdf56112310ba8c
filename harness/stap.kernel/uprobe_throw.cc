// SPDX-License-Identifier: GPL-2.0-or-later
// uprobe_throw.cc - the program uprobe_library_mark probes (kernel.exp
// builds it here with -g): "uprobe_throw N" throws and catches N
// exceptions, each passing libstdc++'s SDT markers "throw" and "catch".
#include <cstdlib>

int main(int argc, char **argv)
{
	int n = argc > 1 ? std::atoi(argv[1]) : 0, caught = 0;

	for (int i = 0; i < n; i++) {
		try {
			throw i;
		} catch (int v) {
			caught += v == i;
		}
	}
	return caught != n;
}
