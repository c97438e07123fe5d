"""Benchmark letters: render latency, memory over many renders, a LibreOffice baseline, and
how long a letter takes to arrive in Telegram end to end (bench/letter_delivery.py).

Run from the project root:  .venv/bin/python bench/letters.py [--renders 1000]
[--parts render,telegram] [--rounds 3]
Prints figures next to their targets; it asserts nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent))  # bench/letter_delivery.py

from bot.documents import LetterDocument, font_base, fonts, render_docx, render_pdf
from tests.documents.samples import chinese_letter

TARGET_PDF_P50_MS = 150
TARGET_DOCX_P50_MS = 50
TARGET_RSS_GROWTH_MB = 20
TARGET_SPEEDUP = 10

BODY = """致：惠今金融 客户服务部
抄送：________

# 一、基本情况
本人姓名：________
借款合同编号：HJ-2026-000123
本人于2026年3月向贵公司借款人民币5,000元，约定分六期还款。因失业，本人自2026年9月起未能按期还款，并已多次主动联系贵公司协商还款计划。自2026年10月起，贵公司委托的催收人员频繁致电本人及本人的亲友、同事，严重影响了本人的正常生活和工作。

# 二、事件经过
2026年10月3日上午七点，一名自称“惠今金融法务部”的男子打电话到本人单位前台，要求转告本人“再不还钱就到公司门口拉横幅”。当天下午，本人母亲收到短信，内容包含本人的姓名、身份证号码后四位和欠款金额，并称“你儿子是老赖，全村都会知道”。本人随即拨打贵公司客服热线投诉，客服人员记录了工单号，但此后催收电话并未减少。
10月8日至10月20日期间，本人每天接到来自不同号码的电话，最多一天达二十三次，其中多次在晚上十一点以后。催收人员在电话中使用“骗子”“废物”等侮辱性词语，并声称已经“联系了派出所”，如果本人不在当天还清全部欠款，就会被拘留。本人对每次通话均做了记录，并保存了部分录音和短信截图。
10月25日，本人的大学同学和前同事陆续告诉本人，他们在微信上收到了陌生人发来的消息，内容是本人的照片和“欠钱不还”的字样。本人从未授权贵公司或任何第三方使用本人的通讯录或照片。上述行为给本人及家人造成了严重的精神压力，本人的母亲因此住院治疗。
本人愿意在能力范围内偿还合法债务，并已于11月1日通过贵公司官方应用提交了延期还款申请，但至今未获答复。

# 三、违规催收行为
- 每日拨打电话超过十次，包括晚上十点以后及清晨六点以前；
- 向本人通讯录中的亲友发送短信，披露本人的债务信息；
- 使用侮辱性语言，并威胁“上门处理”“通知单位领导”；
- 冒充律师事务所及法院工作人员，声称将立即起诉并冻结本人账户；
- 在社交平台上发布本人照片及身份证号码。

# 四、法律依据
根据《中华人民共和国个人信息保护法》第十条、第十三条，任何组织不得非法收集、使用、加工、传输他人个人信息，不得非法向他人提供或者公开他人个人信息。根据相关监管规定，催收机构不得采用恐吓、威胁、辱骂等不当手段，不得骚扰与债务无关的第三人。

# 五、本人的要求
- 立即停止上述违规催收行为；
- 停止联系本人的亲友及同事，删除从本人通讯录获取的信息；
- 提供完整的借款及还款明细；
- 在十五日内书面答复本人。

附件：催收记录清单（见附件一）。

此致
敬礼

投诉人（签名）：________
联系电话：________"""


def sample_letter(rows: int = 50) -> LetterDocument:
    """A two-page Chinese letter (the long body above) plus an evidence annex of ``rows``
    rows: the tests' sample letter, made longer."""
    return chinese_letter(rows, body=BODY)


def timings_ms(render: Callable[[], object], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        render()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        render()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p(samples: list[float], q: float) -> float:
    """Nearest-rank percentile; with 30 samples p99 is the slowest run."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def verdict(ok: bool) -> str:
    return "OK  " if ok else "MISS"


def rss_mb() -> float:
    """Current resident set size, from /proc/self/statm."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def settle() -> None:
    """Collect garbage and hand freed heap back to the OS, so RSS shows live memory."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: RSS keeps allocator caches
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def soffice_version() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice") or "soffice"
    done = subprocess.run([soffice, "--version"], capture_output=True, timeout=60, check=False)
    return done.stdout.decode(errors="replace").strip().split(" (")[0] or "version unknown"


def soffice_baseline(docx: bytes, runs: int) -> list[float] | str:
    """Time LibreOffice converting our DOCX to PDF, or say why it was skipped."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return ("soffice (LibreOffice) is not on PATH; install e.g. "
                "`apt-get install libreoffice-writer-nogui` to measure the baseline")
    with tempfile.TemporaryDirectory(prefix="callshield-bench-") as tmp:
        source = Path(tmp) / "letter.docx"
        source.write_bytes(docx)
        profile = Path(tmp) / "lo-profile"  # private profile: no ~/.config, no lock clashes
        command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                   "--convert-to", "pdf", "--outdir", str(Path(tmp) / "out"), str(source)]
        samples = []
        for attempt in range(runs + 1):  # the first run creates the profile: not counted
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, timeout=300, check=False)
            elapsed = (time.perf_counter() - start) * 1000
            if done.returncode != 0 or not (Path(tmp) / "out" / "letter.pdf").exists():
                return f"soffice failed (exit {done.returncode}): {done.stderr.decode()[-300:]}"
            if attempt:
                samples.append(elapsed)
        return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="timed renders per format")
    parser.add_argument("--warmup", type=int, default=3, help="untimed renders first")
    parser.add_argument("--renders", type=int, default=1000,
                        help="renders for the memory test, PDF and DOCX alternately")
    parser.add_argument("--soffice-runs", type=int, default=3)
    parser.add_argument("--parts", default="render,telegram",
                        help="render (renderers, memory, LibreOffice), telegram (arrival)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="bots started one after another for the arrival figures")
    parser.add_argument("--presses", type=int, default=15, help="PDFs (and DOCX) per bot")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if "render" in parts:
        renderers(args)
    if "telegram" in parts:
        import asyncio

        import letter_delivery

        for _ in range(args.rounds):
            for pack_id in ("us", "cn"):
                samples = asyncio.run(letter_delivery.measure(pack_id, args.presses))
                print(letter_delivery.report(pack_id, samples), flush=True)


def renderers(args: argparse.Namespace) -> None:

    letter = sample_letter()
    cached = any(font_base.cache_dir().glob("*.cffcache"))
    start = time.perf_counter()
    fonts.prepare()
    prepare_s = time.perf_counter() - start
    start = time.perf_counter()
    pdf = render_pdf(letter)
    cold_ms = (time.perf_counter() - start) * 1000
    docx = render_docx(letter)
    pages = re.search(rb"/Count (\d+)", pdf)
    rows = len(letter.annex.rows) if letter.annex else 0
    print(f"sample: two-page Chinese letter + {rows}-row annex = "
          f"{pages.group(1).decode() if pages else '?'} PDF pages; "
          f"PDF {len(pdf) / 1024:.0f} KiB, DOCX {len(docx) / 1024:.0f} KiB")
    source = "read from" if cached else "BUILT into"
    print(f"once per process: font metrics + reduced font program ({source} "
          f"{font_base.cache_dir()}): {prepare_s:.1f} s; first PDF render after that: "
          f"{cold_ms:.0f} ms")

    pdf_ms = timings_ms(lambda: render_pdf(letter), args.runs, args.warmup)
    docx_ms = timings_ms(lambda: render_docx(letter), args.runs, args.warmup)
    rare = replace(letter, body=letter.body.replace("本人姓名：________", "本人姓名：张𠮷㐀"))
    rare_ms = timings_ms(lambda: render_pdf(rare), max(5, args.runs // 3), 1)
    pdf_p50, docx_p50 = statistics.median(pdf_ms), statistics.median(docx_ms)
    print(f"PDF  p50 {pdf_p50:7.1f} ms  p99 {p(pdf_ms, 99):7.1f} ms  "
          f"({args.runs} runs after {args.warmup} warm-ups)  target p50 < {TARGET_PDF_P50_MS} ms "
          f"{verdict(pdf_p50 < TARGET_PDF_P50_MS)}")
    print(f"PDF  p50 {statistics.median(rare_ms):7.1f} ms  p99 {p(rare_ms, 99):7.1f} ms  "
          f"({len(rare_ms)} runs) same letter with a name outside GBK/Big5 (𠮷, 㐀): "
          "glyphs cut from the full font (rare; no target)")
    print(f"DOCX p50 {docx_p50:7.1f} ms  p99 {p(docx_ms, 99):7.1f} ms  "
          f"({args.runs} runs after {args.warmup} warm-ups)  target p50 < {TARGET_DOCX_P50_MS} ms "
          f"{verdict(docx_p50 < TARGET_DOCX_P50_MS)}")

    settle()
    before = rss_mb()
    for index in range(args.renders):
        (render_pdf if index % 2 == 0 else render_docx)(letter)
    settle()
    growth = rss_mb() - before
    print(f"RSS growth over {args.renders} renders (PDF and DOCX alternately, "
          f"{(args.renders + 1) // 2} PDF + {args.renders // 2} DOCX): {growth:+.1f} MB "
          f"(from {before:.0f} to {before + growth:.0f} MB; peak {peak_rss_mb():.0f} MB)  "
          f"target < {TARGET_RSS_GROWTH_MB} MB {verdict(growth < TARGET_RSS_GROWTH_MB)}")

    baseline = soffice_baseline(docx, args.soffice_runs)
    if isinstance(baseline, str):
        print(f"LibreOffice baseline skipped: {baseline}")
    else:
        lo_p50 = statistics.median(baseline)
        ratio = lo_p50 / pdf_p50
        runs = ", ".join(f"{ms:.0f}" for ms in baseline)
        print(f"LibreOffice DOCX->PDF ({soffice_version()}, soffice --headless --convert-to pdf, "
              f"new process each): "
              f"p50 {lo_p50:.0f} ms [{runs}]; baseline/ours = {ratio:.1f}x  "
              f"target >= {TARGET_SPEEDUP}x {verdict(ratio >= TARGET_SPEEDUP)}")


if __name__ == "__main__":
    main()
