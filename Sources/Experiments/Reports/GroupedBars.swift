import Foundation

extension Charts {
    /// One group of bars on the x axis (a dataset), one bar per series (a student loss or intervention).
    struct BarGroup {
        var name: String
        var bars: [Bar]
        /// Said in the group's place when it has no bars.
        var note: String? = nil
    }

    struct Bar {
        /// Index into the chart's series (its colour and legend entry).
        var series: Int
        /// The bar's height (the mean over seeds); not finite: no bar.
        var value: Double
        /// Individual values drawn as dots on the bar (the seeds).
        var points: [Double] = []
        /// Hover text.
        var tooltip: String = ""
    }

    /// The y axis's width left of the plot, the gap right of it, and the legend's widest.
    static let barMargins = (left: 62.0, gap: 24.0, legend: 380.0)

    /// A bar's width and a group's width for this many series: one formula for drawing and for splitting into panels.
    static func barLayout(series: Int) -> (bar: Double, group: Double) {
        let bar = max(6, min(30, 150 / Double(max(1, series))))
        return (bar, bar * Double(series) + 28)
    }

    /// The y range that spans these bars, their dots and the references (0 and 1 always), in quarters, within `clip`.
    static func barRange(_ groups: [BarGroup], references: [(value: Double, label: String)], clip: ClosedRange<Double>) -> ClosedRange<Double> {
        let everything = groups.flatMap { $0.bars.flatMap { [$0.value] + $0.points } }.filter(\.isFinite) + references.map(\.value)
        let lo = min(0, everything.min() ?? 0), hi = max(1, everything.max() ?? 1)
        return max(clip.lowerBound, (lo * 4).rounded(.down) / 4)...min(clip.upperBound, (hi * 4).rounded(.up) / 4)
    }

    /// A grouped bar chart too wide for a page (24 datasets × 17 arms is ~4,700 px) as panels of consecutive groups
    /// that each fit `maxWidth` pixels, all on one y axis so bars compare across panels; one panel when it fits.
    static func barPanels(title: String, yLabel: String, series: [String], groups: [BarGroup],
                          references: [(value: Double, label: String)] = [], clip: ClosedRange<Double> = -1...2,
                          maxWidth: Double = 1300) -> [String] {
        // The plot's share of the width: the axis, the gap and the widest legend take the rest.
        let perPanel = max(1, Int((maxWidth - barMargins.left - barMargins.gap - barMargins.legend) / barLayout(series: series.count).group))
        let panels = stride(from: 0, to: max(1, groups.count), by: perPanel).map { Array(groups[$0..<min($0 + perPanel, groups.count)]) }
        let range = barRange(groups, references: references, clip: clip)
        return panels.enumerated().map { i, panel in
            groupedBars(title: title + (panels.count > 1 ? " (\(i + 1) of \(panels.count))" : ""), yLabel: yLabel, series: series,
                        groups: panel, references: references, clip: clip, yRange: range)
        }
    }

    /// Vertical bars grouped along x, with the individual values as dots and dashed reference lines (PGR 1 = the
    /// ceiling). y spans the values but at most `clip`; a bar beyond it is cut at the edge and labelled with its value,
    /// because one undefined-looking PGR of −8 (a tiny weak–ceiling gap) would otherwise flatten every other bar.
    /// `yRange` fixes the y axis (panels of one chart share it: `barPanels`); nil spans this chart's values.
    static func groupedBars(title: String, yLabel: String, series: [String], groups: [BarGroup],
                            references: [(value: Double, label: String)] = [], clip: ClosedRange<Double> = -1...2,
                            yRange: ClosedRange<Double>? = nil) -> String {
        let (barWidth, groupWidth) = barLayout(series: series.count)
        let left = barMargins.left, top = 34.0, plotHeight = 270.0
        let plotWidth = max(560, groupWidth * Double(groups.count))
        // Each group gets an equal slot of the plot, its bars centred in it.
        let slot = plotWidth / Double(max(1, groups.count))
        let longestGroup = Double(groups.map(\.name.count).max() ?? 0)
        let rotate = longestGroup * 6.4 > slot - 4
        let bottom = rotate ? min(150, 26 + longestGroup * 4.6) : 40
        let legendWidth = min(barMargins.legend, max(120, 34 + 6.3 * Double(series.map(\.count).max() ?? 0)))
        let legendHeight = 16 * Double(series.count) + 10
        let width = left + plotWidth + barMargins.gap + legendWidth, height = top + max(plotHeight + bottom, legendHeight + 10)

        let range = yRange ?? barRange(groups, references: references, clip: clip)
        let lo = range.lowerBound, hi = range.upperBound
        func py(_ v: Double) -> Double { top + (1 - (min(max(v, lo), hi) - lo) / (hi - lo)) * plotHeight }
        let f = { (x: Double) in String(format: "%.1f", x) }

        var svg = header(width: width, height: height, title: title)
        // Grid and y axis.
        let step = hi - lo > 2 ? 0.5 : 0.25
        var tick = (lo / step).rounded(.up) * step
        while tick <= hi + 1e-9 {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(tick)))\" stroke=\"#eceff3\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(py(tick) + 3.5))\" font-size=\"10\" text-anchor=\"end\" fill=\"#444\">\(String(format: "%.2f", tick))</text>\n"
            tick += step
        }
        svg += "<text x=\"16\" y=\"\(f(top + plotHeight / 2))\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 16 \(f(top + plotHeight / 2)))\">\(escape(yLabel))</text>\n"
        // Bars, dots and group labels.
        for (g, group) in groups.enumerated() {
            let x0 = left + Double(g) * slot + (slot - barWidth * Double(series.count)) / 2
            for bar in group.bars where bar.value.isFinite {
                let x = x0 + Double(bar.series) * barWidth
                let y0 = py(0), y1 = py(bar.value)
                svg += "<rect x=\"\(f(x + 1))\" y=\"\(f(min(y0, y1)))\" width=\"\(f(barWidth - 2))\" height=\"\(f(max(1, abs(y1 - y0))))\" "
                    + "fill=\"\(palette[bar.series % palette.count])\" fill-opacity=\"0.85\"><title>\(escape(bar.tooltip))</title></rect>"
                if !(lo...hi).contains(bar.value) {
                    // Cut at the axis: the value printed inside the bar's end.
                    let label = String(format: abs(bar.value) < 10 ? "%.1f" : "%.0f", bar.value)
                    svg += "<text x=\"\(f(x + barWidth / 2))\" y=\"\(f(bar.value > hi ? y1 + 11 : y1 - 4))\" font-size=\"\(barWidth < 18 ? 7 : 9)\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"#fff\">\(label)</text>"
                }
                for (k, p) in bar.points.enumerated() where p.isFinite {
                    let offset = (Double(k) - Double(bar.points.count - 1) / 2) * min(3, (barWidth - 4) / Double(max(1, bar.points.count)))
                    svg += "<circle cx=\"\(f(x + barWidth / 2 + offset))\" cy=\"\(f(py(p)))\" r=\"2.2\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"0.9\"/>"
                }
                svg += "\n"
            }
            let cx = left + (Double(g) + 0.5) * slot, ly = top + plotHeight + 14
            if group.bars.isEmpty, let note = group.note {
                svg += "<text x=\"\(f(cx))\" y=\"\(f(py(0) - 8))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#8a5300\">\(escape(note))</text>\n"
            }
            svg += rotate
                ? "<text x=\"\(f(cx))\" y=\"\(f(ly))\" font-size=\"11\" text-anchor=\"end\" transform=\"rotate(-35 \(f(cx)) \(f(ly)))\">\(escape(group.name))</text>\n"
                : "<text x=\"\(f(cx))\" y=\"\(f(ly))\" font-size=\"11\" text-anchor=\"middle\">\(escape(group.name))</text>\n"
        }
        // Zero line, references, frame.
        svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(0)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(0)))\" stroke=\"#333\"/>"
        for r in references where (lo...hi).contains(r.value) {
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(py(r.value)))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(py(r.value)))\" stroke=\"#777\" stroke-dasharray=\"4,3\"/>"
            svg += "<text x=\"\(f(left + plotWidth - 4))\" y=\"\(f(py(r.value) - 4))\" font-size=\"10\" text-anchor=\"end\" fill=\"#555\">\(escape(r.label))</text>"
        }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"#bbb\"/>\n"
        // Legend.
        let lx = left + plotWidth + barMargins.gap
        for (i, name) in series.enumerated() {
            let y = top + 6 + 16 * Double(i)
            svg += "<rect x=\"\(f(lx))\" y=\"\(f(y))\" width=\"12\" height=\"11\" fill=\"\(palette[i % palette.count])\" fill-opacity=\"0.85\"/>"
            svg += "<text x=\"\(f(lx + 18))\" y=\"\(f(y + 9.5))\" font-size=\"11\">\(escape(name))</text>\n"
        }
        return svg + "</svg>\n"
    }
}
