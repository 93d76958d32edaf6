/// How the report writes numbers: three decimals for AUCs and PGRs, "n/a" for what is missing or undefined.
enum ReportFormat {
    static func number(_ x: Double?, digits: Int = 3) -> String {
        guard let x, x.isFinite else { return "n/a" }
        return String(format: "%.\(digits)f", x)
    }

    static func signed(_ x: Double) -> String { x.isFinite ? String(format: "%+.3f", x) : "n/a" }

    static func pValue(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "n/a" }
        return p < 0.001 ? String(format: "%.1e", p) : String(format: "%.3f", p)
    }

    /// "0.812 ± 0.013" (HTML: the sd dimmed); one value alone.
    static func spread(_ s: (mean: Double, sd: Double, n: Int), digits: Int = 3) -> String {
        s.n > 1 ? "\(number(s.mean, digits: digits)) <span class=\"sd\">± \(number(s.sd, digits: digits))</span>" : number(s.mean, digits: digits)
    }

    static func spreadText(_ s: (mean: Double, sd: Double, n: Int), digits: Int = 3) -> String {
        s.n > 1 ? "\(number(s.mean, digits: digits)) ± \(number(s.sd, digits: digits)) (n = \(s.n))" : number(s.mean, digits: digits)
    }

    /// "2025-01-02 13:04" from an ISO 8601 time ("2025-01-02T13:04:05Z"); other text as it is.
    static func time(_ iso: String) -> String {
        guard iso.count >= 16, iso.dropFirst(10).first == "T" else { return iso }
        return iso.prefix(10) + " " + iso.dropFirst(11).prefix(5)
    }
}
