//! The invoice as a PDF (A4), drawn with `krilla`: the seller and their logo, the client, the
//! lines in a table that carries over to as many pages as it needs, the totals, the payment
//! details, notes and terms. Inter (SIL Open Font License, in `fonts/`) is embedded, subset to
//! the glyphs used, with the text kept extractable.

use std::sync::OnceLock;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use lumiku_plugin::ApiError;

use crate::model::{Invoice, Line, Profile, Status};
use crate::money::{Currency, Quantity};

static REGULAR: &[u8] = include_bytes!("../fonts/Inter-Regular.otf");
static BOLD: &[u8] = include_bytes!("../fonts/Inter-Bold.otf");

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 48.0;
const BODY: f32 = 9.0;
const LEADING: f32 = 12.5;

/// The shaping faces, for measuring text as krilla will set it.
fn faces() -> &'static (rustybuzz::Face<'static>, rustybuzz::Face<'static>) {
    static FACES: OnceLock<(rustybuzz::Face<'static>, rustybuzz::Face<'static>)> = OnceLock::new();
    FACES.get_or_init(|| {
        (
            rustybuzz::Face::from_slice(REGULAR, 0).expect("Inter Regular is a font"),
            rustybuzz::Face::from_slice(BOLD, 0).expect("Inter Bold is a font"),
        )
    })
}

/// The width of `text` set in `bold` or regular at `size` points.
fn width(text: &str, bold: bool, size: f32) -> f32 {
    let (regular, heavy) = faces();
    let face = if bold { heavy } else { regular };
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    let shaped = rustybuzz::shape(face, &[], buffer);
    let advance: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
    advance as f32 * size / face.units_per_em() as f32
}

/// `text` broken into lines no wider than `max` (words longer than a line are cut).
fn wrap(text: &str, bold: bool, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, bold, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A word wider than the line on its own: cut it where it overflows.
            let mut piece = String::new();
            for c in word.chars() {
                piece.push(c);
                if width(&piece, bold, size) > max && piece.chars().count() > 1 {
                    piece.pop();
                    lines.push(std::mem::take(&mut piece));
                    piece.push(c);
                }
            }
            line = piece;
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// A percentage from basis points: `11%`, `12.5%`.
fn percent(basis_points: i64) -> String {
    let (whole, rest) = (basis_points / 100, basis_points % 100);
    if rest == 0 {
        format!("{whole}%")
    } else {
        let rest = format!("{rest:02}");
        format!("{whole}.{}%", rest.trim_end_matches('0'))
    }
}

/// A quantity with the currency's decimal mark: `1,5` beside rupiah.
fn quantity(q: Quantity, currency: Currency) -> String {
    let text = q.to_decimal();
    if currency.decimal_mark() == ',' {
        text.replace('.', ",")
    } else {
        text
    }
}

/// A date `YYYY-MM-DD` written `9 March 2026`.
fn long_date(date: &str) -> String {
    crate::model::parse_date(date)
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|| date.to_owned())
}

/// What a PDF is drawn from.
pub struct Sheet<'a> {
    /// The invoice.
    pub invoice: &'a Invoice,
    /// The seller: as issued, or the current profile on a draft.
    pub seller: &'a Profile,
    /// The logo's bytes (PNG or JPEG), if the profile has one.
    pub logo: Option<&'a [u8]>,
}

struct Pen<'s, 'p> {
    surface: Surface<'p>,
    regular: Font,
    bold: Font,
    _page: std::marker::PhantomData<&'s ()>,
}

impl Pen<'_, '_> {
    fn text(&mut self, x: f32, y: f32, text: &str, bold: bool, size: f32, color: rgb::Color) {
        if text.is_empty() {
            return;
        }
        self.surface.set_fill(Some(Fill {
            paint: color.into(),
            ..Fill::default()
        }));
        let font = if bold { &self.bold } else { &self.regular };
        self.surface.draw_text(
            Point::from_xy(x, y),
            font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    fn right(
        &mut self,
        x_right: f32,
        y: f32,
        text: &str,
        bold: bool,
        size: f32,
        color: rgb::Color,
    ) {
        let w = width(text, bold, size);
        self.text(x_right - w, y, text, bold, size, color);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: rgb::Color) {
        let mut path = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            path.push_rect(rect);
        }
        if let Some(path) = path.finish() {
            self.surface.set_stroke(None);
            self.surface.set_fill(Some(Fill {
                paint: color.into(),
                ..Fill::default()
            }));
            self.surface.draw_path(&path);
        }
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, color: rgb::Color, thickness: f32) {
        let mut path = PathBuilder::new();
        path.move_to(x1, y);
        path.line_to(x2, y);
        if let Some(path) = path.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: color.into(),
                width: thickness,
                ..Stroke::default()
            }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
    }
}

fn ink() -> rgb::Color {
    rgb::Color::new(17, 24, 39)
}
fn muted() -> rgb::Color {
    rgb::Color::new(100, 108, 122)
}
fn accent() -> rgb::Color {
    rgb::Color::new(21, 128, 61)
}
fn hairline() -> rgb::Color {
    rgb::Color::new(220, 223, 228)
}
fn band() -> rgb::Color {
    rgb::Color::new(243, 244, 246)
}

/// The table's columns: left edge of the description, then right edges of the figures.
struct Columns {
    description: f32,
    description_width: f32,
    quantity: f32,
    unit_price: f32,
    discount: f32,
    tax: f32,
    amount: f32,
}

const COLUMNS: Columns = Columns {
    description: MARGIN + 6.0,
    description_width: 196.0,
    quantity: 300.0,
    unit_price: 380.0,
    discount: 438.0,
    tax: 478.0,
    amount: WIDTH - MARGIN - 6.0,
};

const TABLE_HEADER: f32 = 20.0;

fn row_height(wrapped: &[String]) -> f32 {
    wrapped.len() as f32 * LEADING + 8.0
}

fn table_row(pen: &mut Pen, y: f32, wrapped: &[String], line: &Line, currency: Currency) -> f32 {
    let base = y + 13.0;
    for (k, piece) in wrapped.iter().enumerate() {
        pen.text(
            COLUMNS.description,
            base + k as f32 * LEADING,
            piece,
            false,
            BODY,
            ink(),
        );
    }
    let tax = if line.tax_basis_points > 0 {
        percent(line.tax_basis_points)
    } else {
        "–".into()
    };
    let quantity = quantity(line.quantity, currency);
    pen.right(COLUMNS.quantity, base, &quantity, false, BODY, ink());
    pen.right(
        COLUMNS.unit_price,
        base,
        &currency.format(line.unit_price),
        false,
        BODY,
        ink(),
    );
    pen.right(
        COLUMNS.discount,
        base,
        &discount_text(line, currency),
        false,
        BODY,
        ink(),
    );
    pen.right(COLUMNS.tax, base, &tax, false, BODY, ink());
    pen.right(
        COLUMNS.amount,
        base,
        &currency.format(line.figures.total),
        false,
        BODY,
        ink(),
    );
    let bottom = y + row_height(wrapped);
    pen.rule(MARGIN, WIDTH - MARGIN, bottom, hairline(), 0.5);
    bottom
}

fn table_header(pen: &mut Pen, y: f32) -> f32 {
    pen.rect(MARGIN, y, WIDTH - 2.0 * MARGIN, 20.0, band());
    let base = y + 13.5;
    pen.text(COLUMNS.description, base, "Description", true, 8.0, muted());
    pen.right(COLUMNS.quantity, base, "Qty", true, 8.0, muted());
    pen.right(COLUMNS.unit_price, base, "Unit price", true, 8.0, muted());
    pen.right(COLUMNS.discount, base, "Discount", true, 8.0, muted());
    pen.right(COLUMNS.tax, base, "Tax", true, 8.0, muted());
    pen.right(COLUMNS.amount, base, "Amount", true, 8.0, muted());
    y + TABLE_HEADER
}

fn discount_text(line: &Line, currency: Currency) -> String {
    match line.discount_amount {
        Some(amount) if amount > 0 => currency.format(amount),
        _ if line.discount_basis_points > 0 => percent(line.discount_basis_points),
        _ => "–".into(),
    }
}

/// A titled block of text at (x, y), `max` wide, cut off with an ellipsis above `bottom`;
/// answers the y below it.
fn block(
    pen: &mut Pen,
    x: f32,
    mut y: f32,
    title: &str,
    lines: &[String],
    max: f32,
    bottom: f32,
) -> f32 {
    pen.text(x, y, title, true, 8.0, muted());
    y += LEADING;
    for text in lines {
        for piece in wrap(text, false, BODY, max) {
            if y > bottom {
                pen.text(x, y, "…", false, BODY, ink());
                return y + LEADING;
            }
            pen.text(x, y, &piece, false, BODY, ink());
            y += LEADING;
        }
    }
    y
}

/// The PDF of `sheet`.
pub fn render(sheet: &Sheet) -> Result<Vec<u8>, ApiError> {
    let invoice = sheet.invoice;
    let summary = &invoice.summary;
    let currency = Currency::of(&summary.currency).unwrap_or(crate::money::IDR);
    let regular = Font::new(REGULAR.into(), 0)
        .ok_or_else(|| ApiError::internal(std::io::Error::other("Inter Regular did not load")))?;
    let bold = Font::new(BOLD.into(), 0)
        .ok_or_else(|| ApiError::internal(std::io::Error::other("Inter Bold did not load")))?;
    let logo = sheet.logo.and_then(|bytes| {
        let data: krilla::Data = bytes.to_vec().into();
        Image::from_png(data.clone(), true)
            .or_else(|_| Image::from_jpeg(data, true))
            .ok()
    });
    let title = summary
        .number
        .as_ref()
        .map(|n| format!("Invoice {n}"))
        .unwrap_or_else(|| "Draft invoice".into());

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.clone())
            .creator("Lumiku Invoice Generator".into())
            .authors(vec![sheet.seller.business_name.clone()]),
    );

    let settings = || {
        PageSettings::from_wh(WIDTH, HEIGHT)
            .ok_or_else(|| ApiError::internal(std::io::Error::other("page size")))
    };
    // Where page 1's table starts: its header drawn once on a scratch page, so the layout
    // below matches the drawing exactly.
    let first_table = {
        let mut scratch = Document::new();
        let mut page = scratch.start_page_with(settings()?);
        let y = {
            let mut pen = Pen {
                surface: page.surface(),
                regular: regular.clone(),
                bold: bold.clone(),
                _page: std::marker::PhantomData,
            };
            let y = header(&mut pen, sheet, logo.clone());
            pen.surface.finish();
            y
        };
        page.finish();
        y
    };
    const CONTINUED_TABLE: f32 = MARGIN + 30.0;
    const BOTTOM: f32 = HEIGHT - MARGIN - 24.0;

    // Lay the lines out: how many rows each takes decides the pages.
    let rows: Vec<(Vec<String>, &Line)> = invoice
        .lines
        .iter()
        .map(|line| {
            (
                wrap(&line.description, false, BODY, COLUMNS.description_width),
                line,
            )
        })
        .collect();
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    let mut y = first_table + TABLE_HEADER;
    for (i, (wrapped, _)) in rows.iter().enumerate() {
        let height = row_height(wrapped);
        if y + height > BOTTOM {
            pages.push(Vec::new());
            y = CONTINUED_TABLE + TABLE_HEADER;
        }
        y += height;
        if let Some(page) = pages.last_mut() {
            page.push(i);
        }
    }
    // The totals and closing blocks follow the last line, or start a page of their own.
    let closing_fits = y + 14.0 + closing_height(sheet) <= BOTTOM;
    let total_pages = pages.len() + usize::from(!closing_fits);

    for index in 0..total_pages {
        let mut page = document.start_page_with(settings()?);
        {
            let mut pen = Pen {
                surface: page.surface(),
                regular: regular.clone(),
                bold: bold.clone(),
                _page: std::marker::PhantomData,
            };
            let mut y = if index == 0 {
                header(&mut pen, sheet, logo.clone())
            } else {
                pen.text(
                    MARGIN,
                    MARGIN + 10.0,
                    &sheet.seller.business_name,
                    true,
                    BODY,
                    ink(),
                );
                pen.right(
                    WIDTH - MARGIN,
                    MARGIN + 10.0,
                    &format!("{title} (continued)"),
                    false,
                    BODY,
                    muted(),
                );
                CONTINUED_TABLE
            };
            if let Some(indices) = pages.get(index) {
                y = table_header(&mut pen, y);
                for &i in indices {
                    let (wrapped, line) = &rows[i];
                    y = table_row(&mut pen, y, wrapped, line, currency);
                }
            }
            if index + 1 == total_pages {
                closing(&mut pen, sheet, currency, y + 14.0, BOTTOM);
            }
            pen.right(
                WIDTH - MARGIN,
                HEIGHT - MARGIN + 20.0,
                &format!("Page {} of {total_pages}", index + 1),
                false,
                7.5,
                muted(),
            );
            pen.text(
                MARGIN,
                HEIGHT - MARGIN + 20.0,
                &format!("{title} · {}", sheet.seller.business_name),
                false,
                7.5,
                muted(),
            );
            pen.surface.finish();
        }
        page.finish();
    }
    document
        .finish()
        .map_err(|e| ApiError::internal(std::io::Error::other(format!("{e:?}"))))
}

/// The page-1 header: the seller (and logo), the title block, the client. Answers the y where
/// the table starts.
fn header(pen: &mut Pen, sheet: &Sheet, logo: Option<Image>) -> f32 {
    let invoice = sheet.invoice;
    let summary = &invoice.summary;
    let seller = sheet.seller;
    let mut y = MARGIN;
    if let Some(logo) = logo {
        let (w, h) = logo.size();
        let scale = (140.0 / w as f32).min(56.0 / h as f32).min(1.0);
        let (w, h) = (w as f32 * scale, h as f32 * scale);
        if let Some(size) = Size::from_wh(w, h) {
            pen.surface
                .push_transform(&Transform::from_translate(MARGIN, y));
            pen.surface.draw_image(logo, size);
            pen.surface.pop();
            y += h + 12.0;
        }
    }
    y += 12.0;
    pen.text(MARGIN, y, &seller.business_name, true, 13.0, ink());
    y += 16.0;
    let mut details: Vec<String> = Vec::new();
    details.extend(
        seller
            .address
            .iter()
            .flat_map(|a| a.lines().map(str::to_owned)),
    );
    details.extend(seller.email.clone());
    details.extend(seller.phone.clone());
    details.extend(seller.tax_id.as_ref().map(|t| format!("Tax ID (NPWP) {t}")));
    'details: for text in &details {
        for piece in wrap(text, false, BODY, 250.0) {
            if y > 260.0 {
                break 'details;
            }
            pen.text(MARGIN, y, &piece, false, BODY, muted());
            y += LEADING;
        }
    }

    // The title block, on the right.
    let right = WIDTH - MARGIN;
    let title = match summary.status {
        Status::Draft => "DRAFT",
        _ => "INVOICE",
    };
    pen.right(right, MARGIN + 22.0, title, true, 24.0, accent());
    let mut ty = MARGIN + 42.0;
    let number = summary
        .number
        .clone()
        .unwrap_or_else(|| "not issued".into());
    for (label, value) in [
        ("Invoice no.", number),
        ("Issue date", long_date(&summary.issue_date)),
        ("Due date", long_date(&summary.due_date)),
    ] {
        pen.right(right - 110.0, ty, label, false, BODY, muted());
        pen.right(right, ty, &value, true, BODY, ink());
        ty += LEADING + 1.0;
    }
    let stamp = match summary.status {
        Status::Paid => Some("PAID"),
        Status::Void => Some("VOID"),
        Status::Overdue => Some("OVERDUE"),
        _ => None,
    };
    if let Some(stamp) = stamp {
        pen.right(right, ty + 6.0, stamp, true, 12.0, muted());
        ty += 20.0;
    }

    // The client, below both.
    y = y.max(ty) + 18.0;
    let billed = &invoice.billed_to;
    let mut lines = vec![billed.name.clone()];
    lines.extend(
        billed
            .address
            .iter()
            .flat_map(|a| a.lines().map(str::to_owned)),
    );
    lines.extend(billed.email.clone());
    lines.extend(billed.tax_id.as_ref().map(|t| format!("Tax ID (NPWP) {t}")));
    let after = block(pen, MARGIN, y, "BILL TO", &lines, 250.0, 400.0);
    let due = format!(
        "{} due {}",
        summary.total_formatted,
        long_date(&summary.due_date)
    );
    pen.text(330.0, y, "AMOUNT DUE", true, 8.0, muted());
    pen.text(330.0, y + 16.0, &due, true, 11.0, ink());
    after.max(y + 30.0) + 14.0
}

fn closing_lines(sheet: &Sheet) -> Vec<(&'static str, Vec<String>)> {
    let mut blocks = Vec::new();
    if let Some(bank) = &sheet.seller.bank_details {
        blocks.push(("PAYMENT DETAILS", vec![bank.clone()]));
    }
    if let Some(notes) = &sheet.invoice.notes {
        blocks.push(("NOTES", vec![notes.clone()]));
    }
    if let Some(terms) = &sheet.invoice.terms {
        blocks.push(("TERMS", vec![terms.clone()]));
    }
    blocks
}

fn closing_height(sheet: &Sheet) -> f32 {
    let totals = 5.0 * (LEADING + 3.0) + 20.0;
    let blocks: f32 = closing_lines(sheet)
        .iter()
        .map(|(_, lines)| {
            LEADING
                * (1 + lines
                    .iter()
                    .map(|l| wrap(l, false, BODY, WIDTH - 2.0 * MARGIN).len())
                    .sum::<usize>()) as f32
                + 8.0
        })
        .sum();
    totals + blocks
}

/// The totals, then payment details, notes and terms.
fn closing(pen: &mut Pen, sheet: &Sheet, currency: Currency, mut y: f32, bottom: f32) {
    let totals = sheet.invoice.summary.totals;
    let right = WIDTH - MARGIN - 6.0;
    let label = 400.0;
    let mut rows = vec![("Subtotal", currency.format(totals.subtotal))];
    if totals.discount > 0 {
        rows.push(("Discount", format!("-{}", currency.format(totals.discount))));
    }
    rows.push(("Tax", currency.format(totals.tax)));
    for (name, value) in rows {
        y += LEADING;
        pen.text(label, y, name, false, BODY, muted());
        pen.right(right, y, &value, false, BODY, ink());
        y += 3.0;
    }
    y += 6.0;
    pen.rule(label, WIDTH - MARGIN, y, ink(), 0.8);
    y += 16.0;
    pen.text(label, y, "Total", true, 11.0, ink());
    pen.right(right, y, &currency.format(totals.total), true, 11.0, ink());
    y += 26.0;
    for (title, lines) in closing_lines(sheet) {
        if y > bottom {
            break;
        }
        y = block(pen, MARGIN, y, title, &lines, WIDTH - 2.0 * MARGIN, bottom) + 8.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_measured_and_wrapped_to_its_column() {
        assert!(width("Rp 1.250.000", false, 9.0) > 40.0);
        assert!(width("Rp 1.250.000", true, 9.0) > width("Rp 1.250.000", false, 9.0));
        let lines = wrap(
            "Design and build of the company profile website, three rounds of revisions",
            false,
            9.0,
            150.0,
        );
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|l| width(l, false, 9.0) <= 150.0));
        let long = wrap(&"x".repeat(200), false, 9.0, 100.0);
        assert!(long.len() > 2 && long.iter().all(|l| width(l, false, 9.0) <= 100.0));
        assert_eq!(percent(1100), "11%");
        assert_eq!(percent(1250), "12.5%");
        assert_eq!(percent(5), "0.05%");
    }
}
