/*
 * Reads blocks from an iSCSI LUN with libiscsi's initiator (READ(10)) and writes them to standard
 * output, so the acceptance tests can check what a peer's initiator sees, not only ours.
 * Build: cc -o iscsi-read-block iscsi-read-block.c -liscsi (Debian: libiscsi-dev)
 * Usage: iscsi-read-block <initiator-iqn> <iscsi://host:port/target-iqn/lun> <lba> <blocks> <block-size>
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: %s initiator-iqn iscsi-url lba blocks block-size\n", argv[0]);
        return 2;
    }
    struct iscsi_context *iscsi = iscsi_create_context(argv[1]);
    struct iscsi_url *url = iscsi ? iscsi_parse_full_url(iscsi, argv[2]) : NULL;
    if (url == NULL) {
        fprintf(stderr, "bad url: %s\n", iscsi ? iscsi_get_error(iscsi) : "no context");
        return 1;
    }
    iscsi_set_targetname(iscsi, url->target);
    iscsi_set_session_type(iscsi, ISCSI_SESSION_NORMAL);
    if (iscsi_full_connect_sync(iscsi, url->portal, url->lun) != 0) {
        fprintf(stderr, "login failed: %s\n", iscsi_get_error(iscsi));
        return 1;
    }
    uint32_t lba = (uint32_t)strtoul(argv[3], NULL, 10);
    uint32_t blocks = (uint32_t)strtoul(argv[4], NULL, 10);
    int block_size = atoi(argv[5]);
    struct scsi_task *task = NULL;
    /* A unit attention (power on, medium changed) comes first on a new session: ask again. */
    for (int attempt = 0; attempt < 8; attempt++) {
        if (task != NULL) scsi_free_scsi_task(task);
        task = iscsi_read10_sync(iscsi, url->lun, lba, blocks * block_size, block_size, 0, 0, 0, 0, 0);
        if (task == NULL || task->status != SCSI_STATUS_CHECK_CONDITION || task->sense.key != SCSI_SENSE_UNIT_ATTENTION) break;
    }
    if (task == NULL || task->status != SCSI_STATUS_GOOD) {
        fprintf(stderr, "READ(10) failed: %s\n", iscsi_get_error(iscsi));
        return 1;
    }
    fwrite(task->datain.data, 1, (size_t)task->datain.size, stdout);
    scsi_free_scsi_task(task);
    iscsi_logout_sync(iscsi);
    iscsi_destroy_url(url);
    iscsi_destroy_context(iscsi);
    return 0;
}
