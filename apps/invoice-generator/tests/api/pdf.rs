//! The PDF: every figure is in its text, page 1 renders to an image, long invoices run over
//! pages, and the logo is embedded.

use base64::Engine as _;
use lumiku_testkit::{Backend, backend_tests};
use serde_json::json;

use crate::{
    BASE, cost, create_client, create_invoice, issue, output_dir, pdf_text, poppler, save_profile,
    spawn, with_draft,
};

backend_tests!(
    the_pdf_holds_every_figure_and_renders,
    a_long_invoice_runs_over_pages_with_its_totals_on_the_last,
    the_logo_is_printed_and_only_images_are_taken,
);

async fn the_pdf_holds_every_figure_and_renders(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (_, id) = with_draft(&app, &user).await;
    app.get(&format!("{BASE}/invoices/{id}/pdf"), &user.access_token)
        .await
        .assert_error(404, "pdf_not_generated");
    issue(&app, &user, &id).await.assert_status(200);
    let made = app
        .post(
            &format!("{BASE}/invoices/{id}/pdf"),
            &user.access_token,
            json!({}),
        )
        .await;
    made.assert_status(201);
    assert_eq!(made.body["creditUsed"], cost("generatePdf"));
    let path = made.body["pdf"]["path"].as_str().unwrap().to_owned();
    let response = app
        .request(reqwest::Method::GET, &format!("{path}?download=true"))
        .bearer_auth(&user.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("INV-2026-0001.pdf")
    );
    let bytes = response.bytes().await.unwrap();
    let name = format!("invoice-{backend:?}.pdf").to_lowercase();
    let text = pdf_text(&bytes, &name);
    for expected in [
        "INVOICE",
        "INV-2026-0001",
        "Toko Maju Jaya",
        "Jl. Merdeka No. 10",
        "Bandung 40111",
        "01.234.567.8-901.000",
        "PT Sinar Abadi",
        "Jl. Sudirman 5",
        "9 March 2026",
        "23 March 2099",
        "Website design",
        "Consulting (hours)",
        "Hosting setup",
        // Quantities (rupiah's decimal comma), unit prices, discounts, tax rates, line totals.
        "1,5",
        "Rp 150.000",
        "Rp 333.333",
        "Rp 100.000",
        "10%",
        "Rp 50.000",
        "11%",
        "Rp 449.550",
        "Rp 555.000",
        "Rp 150.000",
        // Totals.
        "Rp 1.150.000",
        "-Rp 95.000",
        "Rp 99.550",
        "Rp 1.154.550",
        "BCA 123-456-7890 a.n. Toko Maju Jaya",
        "Payment within 14 days.",
        "Page 1 of 1",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} is not in the PDF:\n{text}"
        );
    }
    // Page 1 as an image, left in the test output to look at.
    let pdf = output_dir().join(&name);
    let png = output_dir().join(name.replace(".pdf", "-page1"));
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "72",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            pdf.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let image = std::fs::read(png.with_extension("png")).unwrap();
    assert!(
        image.starts_with(b"\x89PNG") && image.len() > 10_000,
        "page 1 is blank"
    );
    let info = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(info.contains("Inter"), "{info}");
    assert!(
        info.lines().skip(2).all(|l| l.contains(" yes ")),
        "every font embedded:\n{info}"
    );
}

async fn a_long_invoice_runs_over_pages_with_its_totals_on_the_last(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    save_profile(&app, &user).await;
    let client = create_client(&app, &user, "PT Sinar Abadi").await;
    let lines: Vec<_> = (1..=70)
        .map(|i| json!({
            "description": format!("Item {i:02}: a description long enough to wrap onto a second line in the table's column"),
            "quantity": 1, "unitPrice": 10000
        }))
        .collect();
    let created = create_invoice(&app, &user, &client, json!(lines)).await;
    created.assert_status(201);
    let id = created.body["invoice"]["id"].as_str().unwrap();
    app.post(
        &format!("{BASE}/invoices/{id}/pdf"),
        &user.access_token,
        json!({}),
    )
    .await
    .assert_status(201);
    let bytes = app
        .request(reqwest::Method::GET, &format!("{BASE}/invoices/{id}/pdf"))
        .bearer_auth(&user.access_token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&bytes, &format!("long-{backend:?}.pdf").to_lowercase());
    let pages: Vec<&str> = text
        .split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .collect();
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let count = pages.len();
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(&format!("Page {} of {count}", i + 1)),
            "{page}"
        );
    }
    assert!(pages[0].contains("DRAFT"));
    for i in 1..=70 {
        assert!(
            text.contains(&format!("Item {i:02}:")),
            "line {i} is missing"
        );
    }
    assert!(
        pages[count - 1].contains("Subtotal"),
        "the totals are on the last page"
    );
    assert!(pages[count - 1].contains("Rp 700.000"));
    assert!(pages[..count - 1].iter().all(|p| !p.contains("Subtotal")));
}

/// A 2×1 red PNG.
const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAADUlEQVR4nGP4z8AARAAI/gH/xp559wAAAABJRU5ErkJggg==";

async fn the_logo_is_printed_and_only_images_are_taken(backend: Backend) {
    let app = spawn(backend).await;
    let user = app.register_user().await;
    let (_, id) = with_draft(&app, &user).await;
    let put = |bytes: Vec<u8>| {
        let request = app
            .request(reqwest::Method::PUT, &format!("{BASE}/profile/logo"))
            .bearer_auth(&user.access_token)
            .body(bytes);
        async move { lumiku_testkit::TestResponse::from(request.send().await.unwrap()).await }
    };
    put(b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec())
        .await
        .assert_error(415, "unsupported_image");
    // Declared too large: refused from the headers, before the body is read.
    let head = format!(
        "PUT {BASE}/profile/logo HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Content-Length: {}\r\n\r\n",
        user.access_token,
        3 * 1024 * 1024
    );
    let address = app
        .url("")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0; 4096];
    let n = stream.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("upload_too_large"), "{answer}");
    let png = base64::engine::general_purpose::STANDARD
        .decode(PNG)
        .unwrap();
    let set = put(png.clone()).await;
    set.assert_status(200);
    assert_eq!(set.body["profile"]["hasLogo"], true);
    let logo = app
        .request(reqwest::Method::GET, &format!("{BASE}/profile/logo"))
        .bearer_auth(&user.access_token)
        .send()
        .await
        .unwrap();
    assert_eq!(logo.headers()["content-type"], "image/png");
    assert_eq!(logo.bytes().await.unwrap().as_ref(), png.as_slice());
    app.post(
        &format!("{BASE}/invoices/{id}/pdf"),
        &user.access_token,
        json!({}),
    )
    .await
    .assert_status(201);
    let bytes = app
        .request(reqwest::Method::GET, &format!("{BASE}/invoices/{id}/pdf"))
        .bearer_auth(&user.access_token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let name = format!("logo-{backend:?}.pdf").to_lowercase();
    pdf_text(&bytes, &name);
    let images = poppler(
        "pdfimages",
        &["-list", output_dir().join(&name).to_str().unwrap()],
    );
    assert!(
        images
            .lines()
            .any(|l| l.contains(" 2 ") && l.contains(" 1 ")),
        "the 2×1 logo is not in the PDF:\n{images}"
    );
    // Removed, it is gone from the profile.
    let removed = app
        .delete(&format!("{BASE}/profile/logo"), &user.access_token)
        .await;
    assert_eq!(removed.body["profile"]["hasLogo"], false);
    app.get(&format!("{BASE}/profile/logo"), &user.access_token)
        .await
        .assert_error(404, "not_found");
}
