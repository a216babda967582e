"""``python -m bench``: set up a data dir and database of its own, build the dataset, run scenarios.

Standard output: one ``name value unit`` line per figure, printed as soon as it is measured.
Standard error: notes for people. Exit status 0 when every scenario ran, 1 on failure, 130 on Ctrl-C.
"""

import argparse
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import DatabaseError

from egov.settings.env import ConfigError

from .errors import BenchError
from .figures import emit, note

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_ROOT = BASE_DIR / "var" / "bench"
DEFAULT_AUDIT_EVENTS = 1_000_000
DEFAULT_DOSSIERS = 100_000


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Đo hiệu năng egov: dựng dữ liệu qua mã của dự án, chạy các kịch bản, "
        "in mỗi số đo một dòng 'tên giá_trị đơn_vị' ra stdout.",
    )
    parser.add_argument("--size", type=int, default=100, help="cỡ dữ liệu: số bản ghi mỗi bước (mặc định 100)")
    parser.add_argument(
        "--audit-events",
        type=int,
        default=DEFAULT_AUDIT_EVENTS,
        help=f"số sự kiện trong nhật ký kiểm toán khi chạy kịch bản audit.page (mặc định {DEFAULT_AUDIT_EVENTS}, "
        "dựng theo lô trong vài phút; ít hơn, ví dụ 20000, để chạy thử nhanh)",
    )
    parser.add_argument(
        "--dossiers",
        type=int,
        default=DEFAULT_DOSSIERS,
        help=f"số hồ sơ dựng theo lô cho các kịch bản dossier.lookup/inbox/statistics (mặc định {DEFAULT_DOSSIERS}; "
        "con số của yêu cầu là --dossiers 1000000, nên chạy trên PostgreSQL)",
    )
    parser.add_argument("--only", default="", help="chỉ chạy các kịch bản này, cách nhau dấu phẩy (xem --list)")
    parser.add_argument("--list", action="store_true", help="liệt kê các kịch bản rồi thoát")
    parser.add_argument(
        "--duration", type=int, default=10, help="số giây mỗi lượt tải một URL (mặc định 10, tối thiểu 1)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="số lượt mỗi URL, xen kẽ; in trung vị (mặc định 3)")
    parser.add_argument(
        "--database-url",
        default="",
        help="CSDL riêng cho bench, ví dụ postgres://…/egov_bench (bench migrate và thêm dữ liệu vào đó); "
        "mặc định một tệp SQLite mới trong thư mục dữ liệu của lượt chạy",
    )
    parser.add_argument(
        "--data-dir", type=Path, help=f"thư mục dữ liệu (mặc định một thư mục mới trong {DEFAULT_DATA_ROOT})"
    )
    parser.add_argument(
        "--load-tool",
        choices=("auto", "wrk", "python"),
        default="auto",
        help="công cụ tạo tải HTTP (mặc định auto: wrk nếu có, không thì Python)",
    )
    parser.add_argument("--keep", action="store_true", help="giữ thư mục dữ liệu sau khi chạy (nhật ký máy chủ, CSDL)")
    args = parser.parse_args(argv)
    if args.size < 0:
        parser.error("--size phải ≥ 0")
    if args.dossiers < 0:
        parser.error("--dossiers phải ≥ 0")
    if args.audit_events < 0:
        parser.error("--audit-events phải ≥ 0")
    if args.duration < 1:
        parser.error("--duration phải ≥ 1 giây")
    if args.rounds < 1:
        parser.error("--rounds phải ≥ 1")
    return args


def bench_environment(data_dir: Path, database_url: str) -> dict[str, str]:
    """The environment of this process and its children: bench settings, own data and database."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "EGOV_DATA_DIR": str(data_dir),
        "EGOV_DATABASE_URL": database_url or f"sqlite:///{data_dir / 'bench.sqlite3'}",
        # A developer's EGOV_DEBUG=true would make every figure a debug-mode figure.
        "EGOV_DEBUG": "false",
    }


def setup_django(data_dir: Path) -> None:
    import django
    from django.conf import settings

    django.setup()
    # Request logs stay as costly as in a deployment but go to a file, not between the notes.
    log = (data_dir / "bench.log").open("a")
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
            handler.setStream(log)
    database = settings.DATABASES["default"]
    note(f"CSDL {database['ENGINE'].rsplit('.', 1)[-1]} {database['NAME']}, thư mục dữ liệu {data_dir}")


def prepare_database(*, size: int, audit_events: int, dossiers: int, scenarios: list[str]) -> None:
    from django.core.management import call_command

    from . import dataset

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    note(f"migrate + collectstatic ({time.perf_counter() - started:.1f} s)")
    dataset.build(dataset.Sizes(records=size, audit_events=audit_events, dossiers=dossiers), scenarios=scenarios)


def describe_revision() -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(BASE_DIR), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except OSError:
        return "?"
    return done.stdout.strip() or "?"


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)

    from .load import choose_tool
    from .run import Run
    from .scenarios import all_scenarios

    known = all_scenarios()
    if args.list:
        for item in known:
            sys.stdout.write(f"{item.name}\t{item.label}\n")
        return 0
    chosen = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(chosen) - {item.name for item in known})
    if unknown:
        note(f"kịch bản không có: {', '.join(unknown)} (có: {', '.join(item.name for item in known)})")
        return 2
    selected = [item for item in known if not chosen or item.name in chosen]
    try:
        load_tool = choose_tool(args.load_tool)
    except BenchError as error:
        note(f"lỗi: {error}")
        return 1
    if args.load_tool == "auto" and load_tool == "python":
        note("không có wrk: dùng bộ tạo tải Python, chậm hơn (cài wrk: apt-get install -y wrk)")

    if args.data_dir:
        data_dir = args.data_dir.resolve()
        data_dir.mkdir(parents=True, exist_ok=True)
    else:
        DEFAULT_DATA_ROOT.mkdir(parents=True, exist_ok=True)
        data_dir = Path(tempfile.mkdtemp(prefix="run-", dir=DEFAULT_DATA_ROOT))
    # Killed by make or a CI timeout: unwind like Ctrl-C, so the server (a session of its own,
    # out of reach of the terminal's signals) is stopped too.
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _interrupt)
    env = bench_environment(data_dir, args.database_url)
    os.environ.update(env)
    run = Run(
        size=args.size,
        duration=args.duration,
        rounds=args.rounds,
        data_dir=data_dir,
        base_dir=BASE_DIR,
        env=env,
        load_tool=load_tool,
    )
    failed = False
    try:
        note(f"egov {describe_revision()}, cỡ dữ liệu {args.size}, kịch bản {', '.join(s.name for s in selected)}")
        setup_django(data_dir)
        prepare_database(
            size=args.size,
            audit_events=args.audit_events,
            dossiers=args.dossiers,
            scenarios=[item.name for item in selected],
        )
        for item in selected:
            started = time.perf_counter()
            note(f"kịch bản {item.name}: {item.label}")
            for figure in item.run(run):
                emit(figure)
            note(f"kịch bản {item.name} xong ({time.perf_counter() - started:.1f} s)")
    except (BenchError, ConfigError, DatabaseError) as error:
        failed = True
        note(f"lỗi: {error}")
        return 1
    except KeyboardInterrupt:
        note("dừng theo yêu cầu (Ctrl-C hoặc tín hiệu kết thúc)")
        return 130
    except BaseException:
        failed = True
        raise
    finally:
        run.close()
        if failed or args.keep or args.data_dir:
            note(f"giữ thư mục dữ liệu {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
