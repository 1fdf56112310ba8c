/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The domain XML of a grid guest: direct kernel boot, no disk, the share
 * (9p with accessmode 'mapped' because QEMU runs as libvirt-qemu, or
 * virtiofs, which needs shared memfd memory), the console into a file,
 * pvpanic so a panic arrives as a Crashed event within a millisecond, an
 * i6300esb watchdog that powers off a kernel that stops scheduling, and
 * every on_* action 'destroy' so the guest never reboots into a second run.
 * The host folders a guest needs (the tree, the cache, exec's folder) are
 * virtiofs shares: libvirt runs virtiofsd as root, so they may sit in a
 * 0700 home or under /tmp, where QEMU's own user could not read them
 * (docs/grid.md "Host folders in a guest").
 */
#include "grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fs_9p(sbuf *b, const char *dir, const char *tag, bool ro)
{
	/* multidevs='remap' keeps inode numbers unique across host file systems;
	 * without it some /proc files vanish inside a chroot into the host. */
	sb_addf(b, "    <filesystem type='mount' accessmode='%s' multidevs='remap'>\n",
		ro ? "passthrough" : "mapped");
	sb_add(b, "      <source dir='");
	sb_addxml(b, dir);
	sb_addf(b, "'/>\n      <target dir='%s'/>\n%s    </filesystem>\n", tag,
		ro ? "      <readonly/>\n" : "");
}

static void fs_virtiofs(sbuf *b, const char *dir, const char *tag)
{
	sb_add(b, "    <filesystem type='mount' accessmode='passthrough'>\n"
		  "      <driver type='virtiofs' queue='1024'/>\n");
	/* virtiofsd's namespace sandbox cannot pivot_root into the host's /
	 * ("Device or resource busy"); a chroot sandbox can. */
	if (!strcmp(dir, "/"))
		sb_add(b, "      <binary><sandbox mode='chroot'/></binary>\n");
	sb_add(b, "      <source dir='");
	sb_addxml(b, dir);
	sb_addf(b, "'/>\n      <target dir='%s'/>\n    </filesystem>\n", tag);
}

char *g_domain_xml(const struct g_domspec *d)
{
	sbuf b = {0};
	bool vfs = d->sharetype && !strcmp(d->sharetype, "virtiofs");
	size_t ndirs = d->dirs ? d->dirs->n : 0;

	sb_addf(&b, "<domain type='%s'>\n  <name>", d->type);
	sb_addxml(&b, d->name);
	sb_addf(&b, "</name>\n  <memory unit='MiB'>%d</memory>\n", d->memory_mb);
	if (vfs || ndirs)
		sb_add(&b, "  <memoryBacking>\n    <source type='memfd'/>\n"
			   "    <access mode='shared'/>\n  </memoryBacking>\n");
	sb_addf(&b, "  <vcpu>%d</vcpu>\n", d->vcpus);
	sb_add(&b, "  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n    <kernel>");
	sb_addxml(&b, d->kernel);
	sb_add(&b, "</kernel>\n    <initrd>");
	sb_addxml(&b, d->initrd);
	sb_add(&b, "</initrd>\n    <cmdline>");
	sb_addxml(&b, d->cmdline);
	sb_add(&b, "</cmdline>\n  </os>\n");
	sb_add(&b, "  <features><acpi/></features>\n");
	if (!strcmp(d->type, "kvm"))
		sb_add(&b, "  <cpu mode='host-passthrough'/>\n");
	sb_add(&b, "  <clock offset='utc'/>\n"
		   "  <on_poweroff>destroy</on_poweroff>\n"
		   "  <on_reboot>destroy</on_reboot>\n"
		   "  <on_crash>destroy</on_crash>\n"
		   "  <devices>\n");
	if (d->emulator) {
		sb_add(&b, "    <emulator>");
		sb_addxml(&b, d->emulator);
		sb_add(&b, "</emulator>\n");
	}
	if (vfs) {
		fs_virtiofs(&b, d->share, "grid");
		if (d->hostroot)
			fs_virtiofs(&b, "/", "hostroot");
	} else {
		fs_9p(&b, d->share, "grid", false);
		if (d->hostroot)
			fs_9p(&b, "/", "hostroot", true);
	}
	for (size_t i = 0; i < ndirs; i++) {
		char tag[32];

		snprintf(tag, sizeof(tag), "sg%zu", i);
		fs_virtiofs(&b, d->dirs->v[i], tag);
	}
	sb_add(&b, "    <serial type='file'>\n      <source path='");
	sb_addxml(&b, d->console);
	sb_add(&b, "'/>\n      <target port='0'/>\n    </serial>\n"
		   "    <console type='file'>\n      <source path='");
	sb_addxml(&b, d->console);
	sb_add(&b, "'/>\n      <target type='serial' port='0'/>\n    </console>\n"
		   "    <panic model='isa'>\n      <address type='isa' iobase='0x505'/>\n    </panic>\n"
		   "    <watchdog model='i6300esb' action='poweroff'/>\n"
		   "    <controller type='usb' model='none'/>\n"
		   "    <memballoon model='none'/>\n"
		   "  </devices>\n</domain>\n");
	return sb_steal(&b);
}
