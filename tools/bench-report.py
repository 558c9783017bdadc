#!/usr/bin/env python3
"""Turn the consoles of tools/bench's two guests into a table, JSON and a plot.

usage: bench-report.py --series CONSOLE --v7.3 CONSOLE [--options FILE]
                       --json OUT.json --plot OUT.png

Reads the BENCH lines tools/bench-guest/bench.c printed on each kernel,
prints one table of both kernels and the ratio 7.3 / series of every
figure, checks the targets of Documentation/performance.rst, writes every
figure and ratio with its unit to the JSON file and plots the cost of
translating a buffer against its size (gnuplot).  Exits 1 when a console
lacks figures or a GET_PA answer disagreed with pagemap; a missed target
is reported in the table and the JSON, not as a failure.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys

KERNELS = ("series", "v7_3")
UNIT_KEY = {
    "ns/MiB": "ns_per_mib",
    "ns/call": "ns_per_call",
    "ns/area": "ns_per_area",
    "ns/4KiB-page": "ns_per_4kib_page",
    "ns/2MiB-page": "ns_per_2mib_page",
    "calls": "calls",
    "GiB/s": "gib_per_s",
    "KiB/GiB": "kib_per_gib",
}
UNIT_NAME = {v: k for k, v in UNIT_KEY.items()}
# Which way is better, for the table's last column
HIGHER_IS_BETTER = {"gib_per_s"}


def parse(path):
    figures, sweep, info, checks = {}, [], {}, []
    with open(path, errors="replace") as f:
        for line in f:
            w = line.strip().split()
            if not w:
                continue
            if w[0] == "BENCH" and len(w) == 7:
                name, unit = w[1], w[2]
                figures[(name, UNIT_KEY[unit])] = {
                    "median": float(w[3]), "min": float(w[4]),
                    "max": float(w[5]), "runs": int(w[6]), "unit": unit}
            elif w[0] == "BENCH-SWEEP" and len(w) == 9:
                sweep.append({"backing": w[1], "method": w[2],
                              "size_mib": int(w[3]), "median_ns": float(w[5]),
                              "min_ns": float(w[6]), "max_ns": float(w[7])})
            elif w[0] == "BENCH-INFO" and len(w) >= 3:
                info[w[1]] = " ".join(w[2:])
            elif w[0] == "BENCH-CHECK":
                checks.append({"check": w[1], "ok": w[2] == "ok",
                               "detail": " ".join(w[3:])})
    return {"figures": figures, "sweep": sweep, "info": info, "checks": checks}


def fmt(x):
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return "%.3g" % x


def group_of(name):
    """getpa_2m_1024m -> getpa_2m_1gib; a name without a size stays"""
    size = name.rsplit("_", 1)[-1]
    if not re.fullmatch(r"[0-9]+m", size):
        return name
    mib = int(size[:-1])
    label = "%dgib" % (mib // 1024) if mib % 1024 == 0 else "%dmib" % mib
    return name.rsplit("_", 1)[0] + "_" + label


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--series", required=True)
    ap.add_argument("--v7.3", dest="v7_3", required=True)
    ap.add_argument("--options")
    ap.add_argument("--json", required=True)
    ap.add_argument("--plot", required=True)
    a = ap.parse_args()
    data = {"series": parse(a.series), "v7_3": parse(a.v7_3)}
    bad = []
    for k in KERNELS:
        if not data[k]["figures"]:
            bad.append("no figures from %s" % k)
        bad += ["%s: %s %s" % (k, c["check"], c["detail"])
                for c in data[k]["checks"] if not c["ok"]]

    # Every figure of both kernels, and the ratio 7.3 / series
    out = {"about": {
        "what": "tools/bench: IOMMU_IOAS_NOIOMMU_GET_PA, /proc/self/pagemap "
                "and IOMMU_IOAS_MAP/UNMAP in a QEMU TCG guest; each figure "
                "is the median of its runs, with min and max; ratios are "
                "7.3 / series of the medians",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"),
        "units": dict(UNIT_NAME),
        "kernels": {k: data[k]["info"] for k in KERNELS},
        "checks": {k: data[k]["checks"] for k in KERNELS},
    }}
    if a.options and os.path.exists(a.options):
        with open(a.options) as f:
            out["about"]["v7_3_noiommu_options"] = f.read().split()
    rows = []
    # Every figure either kernel printed, in the order they came
    names = list(dict.fromkeys([*data["series"]["figures"],
                                *data["v7_3"]["figures"]]))
    for name, unit in names:
        g = out.setdefault(group_of(name), {})
        vals = {}
        for k in KERNELS:
            f = data[k]["figures"].get((name, unit))
            if not f:
                continue
            vals[k] = f["median"]
            g["%s_%s" % (k, unit)] = f["median"]
            g["%s_%s_min" % (k, unit)] = f["min"]
            g["%s_%s_max" % (k, unit)] = f["max"]
            g["%s_%s_runs" % (k, unit)] = f["runs"]
        ratio = None
        if len(vals) == 2 and vals["series"]:
            ratio = vals["v7_3"] / vals["series"]
            g["ratio_v7_3_over_series_%s" % unit] = ratio
        rows.append((group_of(name), unit, name, ratio))

    # Within one kernel: GET_PA against pagemap, the same buffer
    for k in KERNELS:
        fig = data[k]["figures"]
        for b in ("2m", "2m_iovava", "4k", "4k_iovava"):
            for s in ("256m", "1024m"):
                gp = fig.get(("getpa_%s_%s" % (b, s), "ns_per_mib"))
                for m in ("pagemap_batch", "pagemap_paged"):
                    pm = fig.get(("%s_%s_%s" % (m, b, s), "ns_per_mib"))
                    if gp and pm and gp["median"]:
                        g = out.setdefault(group_of("getpa_vs_pagemap_%s_%s" % (b, s)), {})
                        g["%s_ratio_%s_over_getpa_ns_per_mib" % (k, m)] = \
                            pm["median"] / gp["median"]

    def med(k, name, unit):
        f = data[k]["figures"].get((name, unit))
        return f["median"] if f else None

    # The targets, on the medians of this one run
    targets = []

    def target(desc, value, need, ok):
        targets.append({"target": desc, "value": value, "required": need,
                        "met": bool(ok)})

    for b, how in (("2m", "IOVA picked by iommufd"), ("2m_iovava", "IOVA = VA")):
        for s in ("256m", "1024m"):
            n = "getpa_%s_%s" % (b, s)
            se = med("series", n, "ns_per_mib")
            v7 = med("v7_3", n, "ns_per_mib")
            pb = med("series", "pagemap_batch_%s_%s" % (b, s), "ns_per_mib")
            if se and v7:
                target("GET_PA, 2 MiB pages, %s, %s: 7.3 / series, ns/MiB"
                       % (s, how), v7 / se, ">= 100", v7 / se >= 100)
            if se and pb:
                target("GET_PA, 2 MiB pages, %s, %s: batched pagemap / GET_PA, "
                       "ns/MiB, series kernel" % (s, how), pb / se, "> 1", pb > se)
    for b in ("2m", "2m_iovava", "4k", "4k_iovava"):
        for s in ("256m", "1024m"):
            n = "map_unmap_%s_%s" % (b, s)
            se, v7 = med("series", n, "gib_per_s"), med("v7_3", n, "gib_per_s")
            if se and v7:
                target("IOAS_MAP + IOAS_UNMAP, %s pages, %s: series / 7.3, GiB/s"
                       % (b.replace("_iovava", ", IOVA = VA"), s), se / v7,
                       ">= 1", se >= v7)
    for b in ("4k", "4k_iovava"):
        for s in ("256m", "1024m"):
            gp = med("series", "getpa_%s_%s" % (b, s), "ns_per_4kib_page")
            pp = med("series", "pagemap_paged_%s_%s" % (b, s), "ns_per_4kib_page")
            if gp and pp:
                target("GET_PA, 4 KiB pages%s, %s: pagemap page by page / "
                       "GET_PA, ns per 4 KiB page, series kernel"
                       % (", IOVA = VA" if "iovava" in b else "", s),
                       pp / gp, ">= 1", gp <= pp)
    out["targets"] = targets

    # The table
    kinfo = {k: data[k]["info"].get("kernel", "?").split()[0] for k in KERNELS}
    print("%-30s %-12s %26s %26s %9s" % (
        "figure", "unit", "series " + kinfo["series"],
        "7.3 " + kinfo["v7_3"], "7.3/ser."))
    for grp, unit, name, ratio in rows:
        cells = []
        for k in KERNELS:
            f = data[k]["figures"].get((name, unit))
            cells.append("%s [%s-%s]" % (fmt(f["median"]), fmt(f["min"]),
                                         fmt(f["max"])) if f else "-")
        better = ""
        if ratio is not None and unit != "calls":
            good = ratio < 1 if unit in HIGHER_IS_BETTER else ratio > 1
            better = " +" if good else (" -" if ratio != 1 else "")
        print("%-30s %-12s %26s %26s %9s" % (
            grp, UNIT_NAME[unit], cells[0], cells[1],
            (fmt(ratio) + better) if ratio is not None else "-"))
    print("(median [min-max] of %s / %s runs; 7.3/ser.: ratio of the medians, "
          "'+' where the series is better)" % (
              data["series"]["info"].get("runs", "?"),
              data["v7_3"]["info"].get("runs", "?")))
    print()
    print("within each kernel, per MiB: pagemap / GET_PA")
    for grp in sorted(k for k in out if k.startswith("getpa_vs_pagemap")):
        print("  %-32s %s" % (grp, "  ".join(
            "%s=%s" % (k.replace("_over_getpa_ns_per_mib", ""), fmt(v))
            for k, v in sorted(out[grp].items()))))
    print()
    for t in targets:
        print("%-6s %s: %s (need %s)" % ("MET" if t["met"] else "MISSED",
                                         t["target"], fmt(t["value"]),
                                         t["required"]))
    met = sum(t["met"] for t in targets)
    for b in bad:
        print("ERROR " + b)

    # The plot: microseconds to translate the first S MiB of a mapping
    base = os.path.splitext(a.plot)[0]
    dat = base + ".dat"
    # (kernel, backing, method, title, colour): a colour per way of
    # translating, solid for the series, dashed for 7.3, dotted for pagemap
    series_lines = [
        ("series", "2m_iovava", "getpa", "GET_PA, this series, 2 MiB pages, IOVA = VA", "#1f3fbf"),
        ("v7_3", "2m_iovava", "getpa", "GET_PA, Linux 7.3, 2 MiB pages, IOVA = VA", "#1f3fbf"),
        ("series", "2m", "getpa", "GET_PA, this series, 2 MiB pages, IOVA by iommufd", "#20a0e0"),
        ("v7_3", "2m", "getpa", "GET_PA, Linux 7.3, 2 MiB pages, IOVA by iommufd", "#20a0e0"),
        ("series", "4k", "getpa", "GET_PA, this series, 4 KiB pages", "#e08000"),
        ("v7_3", "4k", "getpa", "GET_PA, Linux 7.3, 4 KiB pages", "#e08000"),
        ("series", "2m", "pagemap_batch", "pagemap, one read, 2 MiB pages", "#d00000"),
        ("series", "2m", "pagemap_paged", "pagemap, a read per 2 MiB page", "#b000b0"),
        ("series", "4k", "pagemap_batch", "pagemap, one read, 4 KiB pages", "#008000"),
        ("series", "4k", "pagemap_paged", "pagemap, a read per 4 KiB page", "#606060"),
    ]
    blocks = []
    with open(dat, "w") as f:
        for k, b, m, title, colour in series_lines:
            pts = sorted((p["size_mib"], p["median_ns"] / 1000)
                         for p in data[k]["sweep"]
                         if p["backing"] == b and p["method"] == m)
            if not pts:
                continue
            f.write("# %s\n" % title)
            for x, y in pts:
                f.write("%d %.6g\n" % (x, y))
            f.write("\n\n")
            blocks.append((title, colour))
    out["about"]["plot"] = {"png": os.path.basename(a.plot),
                            "data": os.path.basename(dat),
                            "x": "MiB translated", "y": "microseconds (median)"}
    plot = [
        "set terminal pngcairo size 1100,800 font ',10' noenhanced",
        "set output '%s'" % a.plot,
        "set title 'Cost of translating a mapped buffer to physical "
        "addresses (QEMU TCG guest, median of runs)'",
        "set logscale xy",
        "set xlabel 'buffer size translated (MiB)'",
        "set ylabel 'time for the whole buffer (microseconds)'",
        "set grid",
        "set key outside below maxrows 5 font ',9'",
        "set xrange [1.5:1400]",
        "plot " + ", ".join(
            "'%s' index %d with linespoints lw 2 lc rgb '%s' dt %d title '%s'" % (
                dat, i, c, 2 if "7.3" in t else (3 if "pagemap" in t else 1), t)
            for i, (t, c) in enumerate(blocks)),
    ]
    if blocks:
        subprocess.run(["gnuplot"], input="\n".join(plot), text=True,
                       check=True)

    with open(a.json, "w") as f:
        json.dump(out, f, indent=1, sort_keys=False)
        f.write("\n")
    print()
    print("%d targets met, %d missed; %s, %s" % (
        met, len(targets) - met, a.json, a.plot))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
