"""Command `logs`: the fault log's last lines, for a clerk or a support person (no sign-in: it holds no personal data)."""

from __future__ import annotations

from cli.context import Context
from services.logs import log_path, tail


def register(subparsers, parents) -> None:
    logs = subparsers.add_parser("logs", parents=parents, help="xem nhật ký lỗi (logs/motcua.log)")
    logs.add_argument("--tail", type=int, nargs="?", const=50, default=50, metavar="N",
                      help="in N dòng cuối (mặc định 50)")
    logs.set_defaults(handler=cmd_logs)


def cmd_logs(ctx: Context) -> int:
    path = log_path(ctx.data_dir)
    lines = tail(ctx.data_dir, max(0, int(ctx.args.tail)))
    if ctx.as_json:
        ctx.emit({"file": path, "lines": lines})
    elif not lines:
        print(f"Nhật ký trống ({path}).")
    else:
        print("\n".join(lines))
    return 0
