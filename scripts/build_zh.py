"""Build the Chinese edition of the site into _build/html/zh from the same notebooks and the catalogs.

Usage: .venv/bin/python scripts/build_zh.py [extra jupyter-book flags]

The notebooks are not executed again: the Chinese pages render the committed outputs, which nbval
checks against a fresh execution, so both editions show the same results.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "_build"
#: The table of contents' part captions in the Chinese edition.
CAPTIONS = {"Chapters": "章节", "Labs": "实验", "Appendix": "附录"}


def main(argv: list[str]) -> int:
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    cfg["title"] = "电子支付在电商中的应用与管理"
    cfg["execute"]["execute_notebooks"] = "off"
    cfg["sphinx"]["config"]["language"] = "zh_CN"
    BUILD.mkdir(exist_ok=True)
    config = BUILD / "zh_config.yml"
    config.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    for part in toc.get("parts", []):  # the sidebar's part captions, in Chinese
        part["caption"] = CAPTIONS.get(part.get("caption"), part.get("caption"))
    toc_file = BUILD / "zh_toc.yml"
    toc_file.write_text(yaml.safe_dump(toc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    out = BUILD / "zh"
    result = subprocess.run([str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT),
                             "--config", str(config), "--toc", str(toc_file), "--path-output", str(out), *argv])
    if result.returncode:
        return result.returncode
    target = BUILD / "html" / "zh"
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(out / "_build" / "html"), str(target))
    print(f"Chinese edition: {target / 'index.html'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
