/* phongdich: one binary, one subcommand per job. Every subcommand is a thin front end over the library. */
#include <stdio.h>
#include <string.h>

#include "cases/cli.h"
#include "cli/cli.h"
#include "declare/cli.h"
#include "directives/cli.h"
#include "demo/demo.h"
#include "http/serve.h"
#include "ingest/cli.h"
#include "lab/cli.h"
#include "people/transfer_cli.h"
#include "quarantine/cli.h"
#include "risk/cli.h"
#include "trace/cli.h"
#include "vaccination/cli.h"
#include "venues/cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *help;
} command;

static const command commands[] = {
    {"init", pd_cmd_init, "init --db DB                  tạo cơ sở dữ liệu, nạp đơn vị hành chính"},
    {"demo", pd_cmd_demo, "demo --db DB [--seed N] [--scale X] [--json]   dữ liệu mẫu Thành phố Bắc Kạn"},
    {"serve", pd_cmd_serve, "serve --db DB --listen H:P    chạy máy chủ web"},
    {"user", pd_cmd_user, "user add --db DB --username U --role R --unit MÃ --password-stdin"},
    {"import", pd_cmd_import, "import --db DB [--unit MÃ] [--format csv|xlsx] [--json] TỆP"},
    {"export", pd_cmd_export, "export --db DB --out TỆP [--format xlsx|csv] [--q TÊN] [--unit MÃ]"},
    {"backup", pd_cmd_backup, "backup --db DB TỆP            sao lưu trực tuyến"},
    {"units", pd_cmd_units, "units --db DB [--search TÊN | --parent MÃ] [--json]"},
    {"people", pd_cmd_people, "people --db DB [--q TÊN|SỐ] [--unit MÃ] [--json]"},
    {"declare", pd_cmd_declare,
     "declare outbreak-add|outbreak-end|outbreak-list|alerts|revoke --db DB ...   vùng dịch, cảnh báo"},
    {"ingest", pd_cmd_ingest, "ingest --db DB --kind checkins|declarations [--json] TỆP   nhận dữ liệu"},
    {"case", pd_cmd_case, "case list|add --db DB ...   ca bệnh F0: danh sách, xác định (kèm truy vết)"},
    {"trace", pd_cmd_trace, "trace --db DB --case MÃ [--min-overlap PHÚT] [--json]   truy vết F1, F2"},
    {"venue", pd_cmd_venue, "venue list|add|poster --db DB ...   địa điểm và áp phích mã QR"},
    {"lab", pd_cmd_lab, "lab pool-size|import ...   xét nghiệm: mẫu, kết quả, gộp mẫu"},
    {"quarantine", pd_cmd_quarantine, "quarantine ... --db DB   cách ly, điều trị F0, danh sách việc"},
    {"vaccine", pd_cmd_vaccine, "vaccine ... --db DB   tiêm chủng: mũi tiêm, nhập dữ liệu, độ bao phủ"},
    {"risk", pd_cmd_risk, "risk --db DB --week YYYY-Www [--json] | risk level ...   cấp độ dịch"},
    {"directive", pd_cmd_directive, "directive import --db DB TỆP [--json]   văn bản chỉ đạo, nhiệm vụ"},
};

static void usage(void)
{
    fprintf(stderr, "phongdich — hệ thống phòng, chống dịch\n\nCách dùng: phongdich LỆNH ...\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(stderr, "  phongdich %s\n", commands[i].help);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0) {
        usage();
        return argc < 2 ? 2 : 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "Không có lệnh %s\n\n", argv[1]);
    usage();
    return 2;
}
