//! Money without floating point: amounts are integers in a currency's minor unit, quantities
//! are thousandths, rates are basis points, and every rounding is half up, once per line.
//!
//! A line's figures:
//!
//! ```text
//! amount   = round(quantity × unit price)                    quantity in thousandths
//! discount = fixed amount, or round(amount × discount ‱)    never more than the amount
//! net      = amount − discount
//! tax      = round(net × tax ‱)
//! total    = net + tax
//! ```
//!
//! and the invoice's are the sums of its lines', so its total is always the sum of the line
//! totals and `subtotal − discount + tax`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use utoipa::ToSchema;

/// The largest amount on a line or an invoice: a thousand trillion minor units.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000_000;
/// The largest quantity, in thousandths (a billion units).
pub const MAX_QUANTITY_MILLI: i64 = 1_000_000_000_000;
/// 100% in basis points.
pub const FULL_RATE: i64 = 10_000;

/// A currency the app formats: its code, symbol, minor-unit digits and separators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    /// ISO 4217 code.
    pub code: &'static str,
    symbol: &'static str,
    /// Digits of the minor unit: amounts are in 10^-digits of the major unit.
    pub digits: u32,
    thousands: char,
    decimal: char,
    /// A space between the symbol and the figure.
    spaced: bool,
}

/// The currencies an invoice may be in. Rupiah is kept in whole rupiah (sen are not used).
pub const CURRENCIES: &[Currency] = &[
    Currency {
        code: "IDR",
        symbol: "Rp",
        digits: 0,
        thousands: '.',
        decimal: ',',
        spaced: true,
    },
    Currency {
        code: "USD",
        symbol: "$",
        digits: 2,
        thousands: ',',
        decimal: '.',
        spaced: false,
    },
    Currency {
        code: "EUR",
        symbol: "€",
        digits: 2,
        thousands: '.',
        decimal: ',',
        spaced: true,
    },
    Currency {
        code: "SGD",
        symbol: "S$",
        digits: 2,
        thousands: ',',
        decimal: '.',
        spaced: false,
    },
    Currency {
        code: "MYR",
        symbol: "RM",
        digits: 2,
        thousands: ',',
        decimal: '.',
        spaced: true,
    },
    Currency {
        code: "AUD",
        symbol: "A$",
        digits: 2,
        thousands: ',',
        decimal: '.',
        spaced: false,
    },
    Currency {
        code: "GBP",
        symbol: "£",
        digits: 2,
        thousands: ',',
        decimal: '.',
        spaced: false,
    },
    Currency {
        code: "JPY",
        symbol: "¥",
        digits: 0,
        thousands: ',',
        decimal: '.',
        spaced: false,
    },
];

/// The default currency.
pub const IDR: Currency = CURRENCIES[0];

impl Currency {
    /// The currency with `code` (case-insensitive), if the app knows it.
    pub fn of(code: &str) -> Option<Currency> {
        CURRENCIES.iter().copied().find(|c| c.code == code)
    }

    /// The mark before decimals: `,` for rupiah and euro, `.` for the others.
    pub fn decimal_mark(&self) -> char {
        self.decimal
    }

    /// `amount` (minor units) written the currency's way: `Rp 1.250.000`, `$1,250.00`.
    pub fn format(&self, amount: i64) -> String {
        let sign = if amount < 0 { "-" } else { "" };
        let magnitude = amount.unsigned_abs();
        let unit = 10u64.pow(self.digits);
        let (major, minor) = (magnitude / unit, magnitude % unit);
        let mut grouped = String::new();
        let digits = major.to_string();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(self.thousands);
            }
            grouped.push(d);
        }
        if self.digits > 0 {
            grouped.push(self.decimal);
            grouped.push_str(&format!("{minor:0width$}", width = self.digits as usize));
        }
        let space = if self.spaced { " " } else { "" };
        format!("{sign}{}{space}{grouped}", self.symbol)
    }
}

/// A quantity in thousandths: `2`, `1.5` and `0.125` are 2000, 1500 and 125. Sent and answered
/// as a decimal string (`"1.5"`); a JSON integer is taken too. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Quantity(pub i64);

impl utoipa::PartialSchema for Quantity {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some("^[0-9]{1,10}(\\.[0-9]{1,3})?$"))
                    .examples(["1.5"]),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(1))
                    .maximum(Some(1_000_000_000)),
            )
            .description(Some(
                "A decimal string with at most three decimals, or an integer; above 0, at most a billion",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Quantity {}

impl Quantity {
    /// Parses `"12"`, `"1.5"`, `"0.125"`: at most three decimals, positive, at most a billion.
    pub fn parse(text: &str) -> Option<Quantity> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty()
            || whole.len() > 10
            || fraction.len() > 3
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
            || (text.contains('.') && fraction.is_empty())
        {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let fraction: i64 = format!("{fraction:0<3}").parse().ok()?;
        let milli = whole.checked_mul(1000)?.checked_add(fraction)?;
        (milli > 0 && milli <= MAX_QUANTITY_MILLI).then_some(Quantity(milli))
    }

    /// The shortest decimal: `1.5`, `2`, `0.125`.
    pub fn to_decimal(self) -> String {
        let (whole, fraction) = (self.0 / 1000, self.0 % 1000);
        if fraction == 0 {
            whole.to_string()
        } else {
            let fraction = format!("{fraction:03}");
            format!("{whole}.{}", fraction.trim_end_matches('0'))
        }
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_decimal())
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Sent {
            Integer(i64),
            Text(String),
            Other(serde::de::IgnoredAny),
        }
        let invalid = || {
            serde::de::Error::custom(
                "a quantity is a decimal string with at most three decimals (\"1.5\") or an integer, above 0",
            )
        };
        match Sent::deserialize(deserializer)? {
            Sent::Integer(n) => Quantity::parse(&n.to_string()).ok_or_else(invalid),
            Sent::Text(text) => Quantity::parse(&text).ok_or_else(invalid),
            Sent::Other(_) => Err(invalid()),
        }
    }
}

/// `numerator / denominator` rounded half up, for non-negative figures.
fn div_round(numerator: i128, denominator: i128) -> i128 {
    (numerator + denominator / 2) / denominator
}

/// A line as priced: what the figures are computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineInput {
    /// Thousandths.
    pub quantity_milli: i64,
    /// Minor units per unit.
    pub unit_price: i64,
    /// Basis points off the amount (ignored when `discount_amount` is set).
    pub discount_bp: i64,
    /// A fixed amount off, in minor units.
    pub discount_amount: Option<i64>,
    /// Basis points of tax on the net.
    pub tax_bp: i64,
}

/// A line's computed figures, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LineFigures {
    /// Quantity × unit price, rounded.
    pub amount: i64,
    /// What the discount takes off.
    pub discount: i64,
    /// The tax on what is left.
    pub tax: i64,
    /// Amount − discount + tax.
    pub total: i64,
}

/// Why a line cannot be priced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError {
    /// Its amount passes [`MAX_AMOUNT`].
    TooLarge,
    /// A fixed discount larger than the amount.
    DiscountAboveAmount,
}

/// Prices one line.
pub fn price_line(line: &LineInput) -> Result<LineFigures, LineError> {
    let amount = div_round(
        i128::from(line.quantity_milli) * i128::from(line.unit_price),
        1000,
    );
    if amount > i128::from(MAX_AMOUNT) {
        return Err(LineError::TooLarge);
    }
    let discount = match line.discount_amount {
        Some(fixed) if i128::from(fixed) > amount => return Err(LineError::DiscountAboveAmount),
        Some(fixed) => i128::from(fixed),
        None => div_round(amount * i128::from(line.discount_bp), i128::from(FULL_RATE)),
    };
    let net = amount - discount;
    let tax = div_round(net * i128::from(line.tax_bp), i128::from(FULL_RATE));
    let total = net + tax;
    if total > i128::from(MAX_AMOUNT) {
        return Err(LineError::TooLarge);
    }
    // Every figure is within 0..=MAX_AMOUNT here, so within i64.
    Ok(LineFigures {
        amount: amount as i64,
        discount: discount as i64,
        tax: tax as i64,
        total: total as i64,
    })
}

/// An invoice's figures: the sums of its lines'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    /// The lines' amounts before discounts.
    pub subtotal: i64,
    /// The lines' discounts.
    pub discount: i64,
    /// The lines' tax.
    pub tax: i64,
    /// What the client pays: subtotal − discount + tax.
    pub total: i64,
}

/// Sums priced lines; `None` past [`MAX_AMOUNT`].
pub fn sum(lines: &[LineFigures]) -> Option<Totals> {
    let mut totals = Totals::default();
    for line in lines {
        totals.subtotal = totals.subtotal.checked_add(line.amount)?;
        totals.discount = totals.discount.checked_add(line.discount)?;
        totals.tax = totals.tax.checked_add(line.tax)?;
        totals.total = totals.total.checked_add(line.total)?;
    }
    (totals.subtotal <= MAX_AMOUNT && totals.total <= MAX_AMOUNT).then_some(totals)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(quantity: &str, unit_price: i64, discount_bp: i64, tax_bp: i64) -> LineInput {
        LineInput {
            quantity_milli: Quantity::parse(quantity).unwrap().0,
            unit_price,
            discount_bp,
            discount_amount: None,
            tax_bp,
        }
    }

    #[test]
    fn rupiah_and_others_are_written_their_way() {
        assert_eq!(IDR.format(1_250_000), "Rp 1.250.000");
        assert_eq!(IDR.format(0), "Rp 0");
        assert_eq!(IDR.format(999), "Rp 999");
        assert_eq!(IDR.format(1000), "Rp 1.000");
        assert_eq!(IDR.format(-5_500), "-Rp 5.500");
        let usd = Currency::of("USD").unwrap();
        assert_eq!(usd.format(125_000_050), "$1,250,000.50");
        assert_eq!(usd.format(7), "$0.07");
        assert_eq!(Currency::of("EUR").unwrap().format(123_456), "€ 1.234,56");
        assert_eq!(Currency::of("XYZ"), None);
        // The code as the document's enum spells it, nothing else.
        assert_eq!(Currency::of("usd"), None);
        assert_eq!(Currency::of(" USD"), None);
    }

    #[test]
    fn quantities_are_decimals_with_three_places_at_most() {
        assert_eq!(Quantity::parse("2"), Some(Quantity(2000)));
        assert_eq!(Quantity::parse("1.5"), Some(Quantity(1500)));
        assert_eq!(Quantity::parse("0.125"), Some(Quantity(125)));
        for bad in [
            "", "0", "0.000", "-1", "1.2345", "1.", ".5", "1e3", "abc", " ", "1,5",
        ] {
            assert_eq!(Quantity::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Quantity(1500).to_decimal(), "1.5");
        assert_eq!(Quantity(2000).to_decimal(), "2");
        assert_eq!(Quantity(125).to_decimal(), "0.125");
        let sent: Vec<Quantity> = serde_json::from_str(r#"[3, "2.25"]"#).unwrap();
        assert_eq!(sent, [Quantity(3000), Quantity(2250)]);
        assert!(
            serde_json::from_str::<Quantity>("1.5").is_err(),
            "no floats"
        );
        assert!(serde_json::from_str::<Quantity>("0").is_err());
    }

    /// Cases worked out by hand.
    #[test]
    fn lines_are_priced_as_computed_by_hand() {
        // 3 × Rp 150.000 = 450.000; 10% off = 45.000; net 405.000; PPN 11% = 44.550.
        assert_eq!(
            price_line(&line("3", 150_000, 1_000, 1_100)).unwrap(),
            LineFigures {
                amount: 450_000,
                discount: 45_000,
                tax: 44_550,
                total: 449_550
            }
        );
        // 1.5 hours × Rp 333.333 = 499.999,5 → 500.000 (half up); no discount; 11% = 55.000.
        assert_eq!(
            price_line(&line("1.5", 333_333, 0, 1_100)).unwrap(),
            LineFigures {
                amount: 500_000,
                discount: 0,
                tax: 55_000,
                total: 555_000
            }
        );
        // $19.99 × 0.125 = 2.49875 → $2.50; 12.5% off = 0.3125 → $0.31; net 2.19; 7.5% → 0.16425 → $0.16.
        assert_eq!(
            price_line(&line("0.125", 1_999, 1_250, 750)).unwrap(),
            LineFigures {
                amount: 250,
                discount: 31,
                tax: 16,
                total: 235
            }
        );
        // A fixed Rp 50.000 off 2 × 100.000, no tax.
        let fixed = LineInput {
            discount_amount: Some(50_000),
            ..line("2", 100_000, 0, 0)
        };
        assert_eq!(
            price_line(&fixed).unwrap(),
            LineFigures {
                amount: 200_000,
                discount: 50_000,
                tax: 0,
                total: 150_000
            }
        );
        let too_much = LineInput {
            discount_amount: Some(200_001),
            ..fixed
        };
        assert_eq!(price_line(&too_much), Err(LineError::DiscountAboveAmount));
        // 100% off leaves nothing to tax.
        assert_eq!(
            price_line(&line("4", 25_000, 10_000, 1_100)).unwrap().total,
            0
        );
        assert_eq!(
            price_line(&line("1000000000", MAX_AMOUNT, 0, 0)),
            Err(LineError::TooLarge)
        );
        // The invoice: 449.550 + 555.000 + 150.000.
        let lines = [
            price_line(&line("3", 150_000, 1_000, 1_100)).unwrap(),
            price_line(&line("1.5", 333_333, 0, 1_100)).unwrap(),
            price_line(&fixed).unwrap(),
        ];
        assert_eq!(
            sum(&lines).unwrap(),
            Totals {
                subtotal: 1_150_000,
                discount: 95_000,
                tax: 99_550,
                total: 1_154_550
            }
        );
    }

    /// A small deterministic generator (xorshift), so the property test needs no crate and
    /// reproduces exactly.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> i64 {
            (self.next() % n) as i64
        }
    }

    #[test]
    fn any_invoice_totals_the_sum_of_its_lines_and_is_never_negative() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let count = 1 + rng.below(12) as usize;
            let mut lines = Vec::new();
            for _ in 0..count {
                let quantity_milli = 1 + rng.below(5_000_000);
                let unit_price = rng.below(50_000_000);
                let amount_hint = quantity_milli as i128 * unit_price as i128 / 1000;
                let input = LineInput {
                    quantity_milli,
                    unit_price,
                    discount_bp: rng.below(FULL_RATE as u64 + 1),
                    discount_amount: (rng.below(4) == 0).then(|| rng.below(amount_hint as u64 + 1)),
                    tax_bp: rng.below(3_000),
                };
                let figures = price_line(&input).unwrap();
                assert!(figures.amount >= 0 && figures.discount >= 0 && figures.tax >= 0);
                assert!(figures.discount <= figures.amount, "{input:?}");
                assert_eq!(
                    figures.total,
                    figures.amount - figures.discount + figures.tax
                );
                assert!(figures.total >= 0);
                // The amount is the exact product, rounded half up: within half a minor unit.
                let exact_thousandths = quantity_milli as i128 * unit_price as i128;
                assert!((figures.amount as i128 * 1000 - exact_thousandths).abs() <= 500);
                lines.push(figures);
            }
            let totals = sum(&lines).unwrap();
            assert_eq!(totals.total, lines.iter().map(|l| l.total).sum::<i64>());
            assert_eq!(totals.total, totals.subtotal - totals.discount + totals.tax);
            assert!(totals.total >= 0);
        }
    }
}
