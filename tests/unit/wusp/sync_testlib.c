/*
 * sync_testlib.c — see sync_testlib.h.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sync_testlib.h"

const struct sync_update_info *
tl_find(const struct sync_update_info *u, size_t n, int32_t id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (u[i].rev->revision_id == id)
			return &u[i];
	return NULL;
}

const char *tl_pci_hw[4] = {
	"PCI\\VEN_8086&DEV_2935&SUBSYS_11001AF4&REV_03",
	"PCI\\VEN_8086&DEV_2935&SUBSYS_11001AF4",
	"PCI\\VEN_8086&DEV_2935&CC_0C0300", "PCI\\VEN_8086&DEV_2935&CC_0C03" };
const char *tl_pci_compat[7] = { "PCI\\VEN_8086&DEV_2935&REV_03",
	"PCI\\VEN_8086&DEV_2935", "PCI\\VEN_8086&CC_0C0300",
	"PCI\\VEN_8086&CC_0C03", "PCI\\VEN_8086", "PCI\\CC_0C0300",
	"PCI\\CC_0C03" };
const char *tl_prn_hw[1] = { "{084f01fa-e634-4d77-83ee-074817c03581}" };

void
tl_scan09_devices(struct sync_device dev[2], bool installed)
{
	memset(dev, 0, 2 * sizeof(*dev));
	dev[0].hardware_ids = tl_pci_hw;
	dev[0].n_hardware_ids = 4;
	dev[0].compatible_ids = tl_pci_compat;
	dev[0].n_compatible_ids = 7;
	if (installed) {
		dev[0].has_installed_driver = true;
		dev[0].installed.matching_id = "PCI\\VEN_8086&DEV_2935";
		dev[0].installed.driver_ver_date = "2006-06-21T00:00:00Z";
		dev[0].installed.driver_ver_version = "2814751477604080";
		dev[0].installed.driver_rank = "16719873";
	}
	dev[1].hardware_ids = tl_prn_hw;
	dev[1].n_hardware_ids = 1;
	dev[1].has_installed_driver = true;
	dev[1].installed.matching_id = tl_prn_hw[0];
	dev[1].installed.driver_ver_date = "2006-06-21T00:00:00Z";
	dev[1].installed.driver_ver_version = "2814751477600644";
	dev[1].installed.class_name = "Printer";
	dev[1].installed.manufacturer = "Microsoft";
	dev[1].installed.provider = "Microsoft";
	dev[1].installed.driver_rank = "-1";
}
