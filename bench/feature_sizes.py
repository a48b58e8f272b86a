"""Bootstrap size per feature preset (minimal … full): builds each from
examples/leec.yaml with `features:` replaced (the same builds tests/e2e/test_feature_builds.py
uses, under <build>/features-<preset>), and prints the file size, the size after
`strip`, and the text/data/bss of the stripped binary.

    /usr/bin/python3 bench/feature_sizes.py        # LEEC_BUILD_DIR defaults to ./build
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests", "e2e"))
import variant_build  # noqa: E402

PRESETS = ["minimal", "voice_control", "automation_basic", "smart_home", "full"]


def main():
    print("%-18s %12s %14s %10s %8s %8s" % ("feature preset", "bytes", "stripped bytes",
                                            "text", "data", "bss"))
    with tempfile.TemporaryDirectory() as tmp:
        for preset in PRESETS:
            text = variant_build.example_with([(r"^features: smart_home$",
                                                "features: %s" % preset)])
            boot = variant_build.variant_bootstrap("features-" + preset, text)
            stripped = os.path.join(tmp, preset)
            shutil.copy(boot, stripped)
            subprocess.run(["strip", stripped], check=True)
            sizes = subprocess.run(["size", stripped], check=True, capture_output=True,
                                   text=True).stdout.splitlines()[1].split()
            print("%-18s %12d %14d %10s %8s %8s" % (preset, os.path.getsize(boot),
                                                    os.path.getsize(stripped), *sizes[:3]))
    print("\n(build type and flags of the main build; Makefile.deploy's -Os/LTO package is "
          "smaller: bench/package_size.sh)")


if __name__ == "__main__":
    main()
