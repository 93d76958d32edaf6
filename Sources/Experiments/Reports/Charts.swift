import Foundation

/// Small, dependency-free SVG charts written next to each run's CSV files, so a run can be looked at in a
/// browser without a plotting stack: training curves and PGR per student and intervention.
enum Charts {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var dashed = false
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22"]

    /// A line chart; y is clipped to [yMin, yMax] (AUC-like values by default).
    static func lines(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil) -> String {
        let width = 720.0, height = 420.0, left = 60.0, right = 200.0, top = 36.0, bottom = 48.0
        let allY = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
        let allX = series.flatMap { $0.points.map(\.x) }
        let xMax = max(1, allX.max() ?? 1)
        var lo = yRange?.lowerBound ?? ((allY.min() ?? 0) - 0.02)
        var hi = yRange?.upperBound ?? ((allY.max() ?? 1) + 0.02)
        if hi - lo < 1e-6 { lo -= 0.05; hi += 0.05 }
        func px(_ x: Double) -> Double { left + x / xMax * (width - left - right) }
        func py(_ y: Double) -> Double { top + (1 - (min(max(y, lo), hi) - lo) / (hi - lo)) * (height - top - bottom) }
        var svg = header(width: width, height: height, title: title)
        svg += axes(left: left, right: width - right, top: top, bottom: height - bottom, xLabel: xLabel, yLabel: yLabel,
                    xTicks: (0...4).map { Double($0) * xMax / 4 }.map { ($0, px($0), String(format: "%.0f", $0)) },
                    yTicks: (0...4).map { lo + Double($0) * (hi - lo) / 4 }.map { ($0, py($0), String(format: "%.3f", $0)) })
        // A series with no finite point (a stage that recorded no test curve) is left out of the plot and the
        // legend; the colours stay by pair (val/test of one stage share one).
        var legendRow = 0
        for (i, s) in series.enumerated() where s.points.contains(where: { $0.y.isFinite }) {
            let color = palette[i / 2 % palette.count]
            let points = s.points.filter { $0.y.isFinite }.map { String(format: "%.1f,%.1f", px($0.x), py($0.y)) }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"5,3\"" : "") points=\"\(points)\"/>\n"
            let y = top + 14 * Double(legendRow)
            legendRow += 1
            svg += "<line x1=\"\(width - right + 10)\" y1=\"\(y)\" x2=\"\(width - right + 30)\" y2=\"\(y)\" stroke=\"\(color)\" stroke-width=\"1.8\"\(s.dashed ? " stroke-dasharray=\"5,3\"" : "")/>"
            svg += "<text x=\"\(width - right + 34)\" y=\"\(y + 4)\" font-size=\"10\">\(escape(s.name))</text>\n"
        }
        return svg + "</svg>\n"
    }

    /// Horizontal bars (e.g. PGR per method), with a zero line and the value printed at each bar.
    static func bars(title: String, valueLabel: String, bars: [(name: String, value: Double)]) -> String {
        let left = 420.0, right = 60.0, top = 36.0, rowHeight = 18.0
        let width = 920.0, height = top + rowHeight * Double(bars.count) + 40
        let values = bars.map(\.value).filter(\.isFinite)
        let lo = min(0, values.min() ?? 0), hi = max(1, values.max() ?? 1)
        func px(_ v: Double) -> Double { left + (min(max(v, lo), hi) - lo) / (hi - lo) * (width - left - right) }
        var svg = header(width: width, height: height, title: title)
        for (i, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(i)
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 12)\" font-size=\"10\" text-anchor=\"end\">\(escape(bar.name))</text>"
            if bar.value.isFinite {
                let x0 = px(0), x1 = px(bar.value)
                svg += "<rect x=\"\(min(x0, x1))\" y=\"\(y + 2)\" width=\"\(max(1, abs(x1 - x0)))\" height=\"\(rowHeight - 5)\" fill=\"\(bar.value >= 0 ? "#1f77b4" : "#d62728")\"/>"
                svg += "<text x=\"\(max(x0, x1) + 4)\" y=\"\(y + 12)\" font-size=\"10\">\(String(format: "%.3f", bar.value))</text>\n"
            } else {
                svg += "<text x=\"\(px(0) + 4)\" y=\"\(y + 12)\" font-size=\"10\">n/a</text>\n"
            }
        }
        let axisY = top + rowHeight * Double(bars.count) + 4
        svg += "<line x1=\"\(px(0))\" y1=\"\(top)\" x2=\"\(px(0))\" y2=\"\(axisY)\" stroke=\"#333\"/>"
        svg += "<line x1=\"\(px(1))\" y1=\"\(top)\" x2=\"\(px(1))\" y2=\"\(axisY)\" stroke=\"#999\" stroke-dasharray=\"3,3\"/>"
        svg += "<text x=\"\(px(0))\" y=\"\(axisY + 14)\" font-size=\"10\" text-anchor=\"middle\">0</text>"
        svg += "<text x=\"\(px(1))\" y=\"\(axisY + 14)\" font-size=\"10\" text-anchor=\"middle\">1 (= ceiling)</text>"
        svg += "<text x=\"\((left + width - right) / 2)\" y=\"\(axisY + 30)\" font-size=\"11\" text-anchor=\"middle\">\(escape(valueLabel))</text>\n"
        return svg + "</svg>\n"
    }

    static func header(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\">\n"
            + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            + "<text x=\"\(width / 2)\" y=\"20\" font-size=\"13\" text-anchor=\"middle\">\(escape(title))</text>\n"
    }

    static func axes(left: Double, right: Double, top: Double, bottom: Double, xLabel: String, yLabel: String,
                     xTicks: [(Double, Double, String)], yTicks: [(Double, Double, String)]) -> String {
        var svg = "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(right - left)\" height=\"\(bottom - top)\" fill=\"none\" stroke=\"#333\"/>\n"
        for (_, x, label) in xTicks {
            svg += "<text x=\"\(x)\" y=\"\(bottom + 14)\" font-size=\"10\" text-anchor=\"middle\">\(label)</text>"
        }
        for (_, y, label) in yTicks {
            svg += "<line x1=\"\(left)\" y1=\"\(y)\" x2=\"\(right)\" y2=\"\(y)\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(left - 4)\" y=\"\(y + 3)\" font-size=\"10\" text-anchor=\"end\">\(label)</text>"
        }
        svg += "<text x=\"\((left + right) / 2)\" y=\"\(bottom + 32)\" font-size=\"11\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        svg += "<text x=\"14\" y=\"\((top + bottom) / 2)\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 \((top + bottom) / 2))\">\(escape(yLabel))</text>\n"
        return svg
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
