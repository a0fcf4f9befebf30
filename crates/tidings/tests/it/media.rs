//! Issue #11: images. Uploads through the library's form and the editor's script, the type
//! read from the bytes, limits on size and pixels, variants for `srcset` served immutable,
//! and no location or camera data in anything served.

use crate::support::*;
use image::ImageEncoder;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use tidings_domain::Role;

/// A photo-like JPEG: a smooth gradient, `width` × `height`.
pub fn photo(width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .write_image(&pixels, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A marker in the GPS block, to look for in what is served.
const GPS_MARKER: &[u8] = b"TidingsTestCamera";

/// `jpeg` with an EXIF block as a camera writes one: an orientation (6: the camera was
/// turned, the picture must be rotated a quarter clockwise), a camera model, and GPS
/// coordinates (51° 30' N).
pub fn with_gps(jpeg: &[u8]) -> Vec<u8> {
    // A little-endian TIFF structure: IFD0 with Orientation, Model and the GPS IFD pointer;
    // then the GPS IFD with latitude reference and latitude.
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    let entry = |tag: u16, kind: u16, count: u32, value: u32| {
        let mut bytes = tag.to_le_bytes().to_vec();
        bytes.extend(kind.to_le_bytes());
        bytes.extend(count.to_le_bytes());
        bytes.extend(value.to_le_bytes());
        bytes
    };
    let ifd0_size = 2 + 3 * 12 + 4;
    let model_offset = 8 + ifd0_size as u32;
    let model = [GPS_MARKER, b"\0"].concat();
    let gps_offset = model_offset + model.len() as u32;
    tiff.extend(3u16.to_le_bytes());
    tiff.extend(entry(0x0112, 3, 1, 6)); // Orientation: SHORT 6
    tiff.extend(entry(0x0110, 2, model.len() as u32, model_offset)); // Model: ASCII
    tiff.extend(entry(0x8825, 4, 1, gps_offset)); // GPS IFD pointer
    tiff.extend(0u32.to_le_bytes());
    tiff.extend(&model);
    let gps_size = 2 + 2 * 12 + 4;
    let latitude_offset = gps_offset + gps_size as u32;
    tiff.extend(2u16.to_le_bytes());
    tiff.extend(entry(0x0001, 2, 2, u32::from_le_bytes(*b"N\0\0\0"))); // GPSLatitudeRef
    tiff.extend(entry(0x0002, 5, 3, latitude_offset)); // GPSLatitude: 3 RATIONAL
    tiff.extend(0u32.to_le_bytes());
    for (numerator, denominator) in [(51u32, 1u32), (30, 1), (2659, 100)] {
        tiff.extend(numerator.to_le_bytes());
        tiff.extend(denominator.to_le_bytes());
    }
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend(tiff);
    let mut out = jpeg[..2].to_vec(); // SOI
    out.extend([0xFF, 0xE1]);
    out.extend(((segment.len() + 2) as u16).to_be_bytes());
    out.extend(segment);
    out.extend(&jpeg[2..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// A PNG whose header claims `width` × `height` pixels, with a valid checksum: a
/// decompression bomb needs no more to be dangerous to a decoder that trusts it.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for byte in bytes {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut header = width.to_be_bytes().to_vec();
    header.extend(height.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    // A few kilobytes of compressed zeros would do the rest; the start of a stream is enough.
    for (kind, data) in [
        (&b"IHDR"[..], header),
        (b"IDAT", vec![0x78, 0x9C, 0xED, 0xC1, 0x01, 0x0D]),
        (b"IEND", Vec::new()),
    ] {
        let chunk = [kind, &data].concat();
        png.extend((data.len() as u32).to_be_bytes());
        png.extend(&chunk);
        png.extend(crc32(&chunk).to_be_bytes());
    }
    png
}

pub async fn upload(
    person: &Moderator,
    bytes: Vec<u8>,
    name: &str,
    alt: &str,
    json: bool,
) -> reqwest::Response {
    let form = Form::new()
        .text("csrf", person.csrf.clone())
        .text("alt", alt.to_owned())
        .part("file", Part::bytes(bytes).file_name(name.to_owned()));
    let mut request = person
        .reader
        .client
        .post(format!("{}/admin/media", person.reader.base))
        .multipart(form);
    if json {
        request = request.header("accept", "application/json");
    }
    request.send().await.unwrap()
}

/// The key of the image an upload redirected to.
fn uploaded_key(response: &reqwest::Response) -> String {
    let location = location(response);
    let start = location.find("uploaded=").unwrap() + "uploaded=".len();
    location[start..start + 16].to_owned()
}

#[tokio::test]
async fn a_photo_loses_its_location_stands_upright_and_comes_in_every_width() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let original = with_gps(&photo(2000, 1500));
    assert!(contains(&original, GPS_MARKER) && contains(&original, b"Exif\0\0"));

    let response = upload(
        &editor,
        original.clone(),
        "harbour.jpg",
        "Boats at dusk",
        false,
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let key = uploaded_key(&response);
    let library = body(editor.get(&location(&response)).await).await;
    assert!(library.contains("Image uploaded"), "{library}");
    let markdown = format!("![Boats at dusk](/media/{key}/1500.jpg)");
    assert!(library.contains(&markdown), "{library}");

    // Upright: the camera's orientation is applied, so the picture is 1500 wide.
    let media = site
        .app
        .store
        .media_by_key(&tidings_domain::MediaKey::parse(&key).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((media.width, media.height), (1500, 2000));
    assert_eq!(media.bytes, original.len() as u64);

    let reader = site.reader();
    for width in [320u32, 640, 1024, 1500] {
        let response = reader.get(&format!("/media/{key}/{width}.jpg")).await;
        assert_eq!(response.status(), StatusCode::OK, "{width}");
        let headers = response.headers().clone();
        assert_eq!(headers["content-type"], "image/jpeg");
        assert_eq!(
            headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let etag = headers["etag"].to_str().unwrap().to_owned();
        let bytes = response.bytes().await.unwrap();
        assert!(
            !contains(&bytes, GPS_MARKER) && !contains(&bytes, b"Exif"),
            "the {width} variant carries the camera's metadata"
        );
        let decoded = image::load_from_memory(&bytes).unwrap();
        assert_eq!(decoded.width(), width);
        assert_eq!(decoded.height(), width * 2000 / 1500);
        // A browser that has it asks again with its ETag and gets nothing to download.
        let again = reader
            .client
            .get(reader.base.clone() + &format!("/media/{key}/{width}.jpg"))
            .header("if-none-match", &etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    }
    // No other width, and the original is kept but never served.
    for path in [
        format!("/media/{key}/1600.jpg"),
        format!("/media/{key}/2000.jpg"),
        format!("/media/{key}/1500.png"),
        format!("/media/originals/{key}.jpg"),
        format!("/media/{key}/original.jpg"),
        "/media/..%2F..%2Ftidings.toml/1.jpg".to_owned(),
    ] {
        assert_eq!(
            reader.get(&path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let kept = std::fs::read(site.data.path().join(format!("media/originals/{key}.jpg"))).unwrap();
    assert_eq!(kept, original, "the original is kept as uploaded");

    // In an article, the image offers its widths to the browser.
    let story = site
        .article_with("Boats", |input| {
            input.body_markdown = format!("The harbour.\n\n{markdown}\n");
        })
        .await;
    let page = body(reader.get(&story.permalink()).await).await;
    assert!(
        page.contains(&format!(
            "srcset=\"/media/{key}/320.jpg 320w, /media/{key}/640.jpg 640w, /media/{key}/1024.jpg 1024w, /media/{key}/1500.jpg 1500w\""
        )),
        "{page}"
    );
}

#[tokio::test]
async fn the_editor_script_gets_json_and_every_format_is_accepted() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let mut png = Vec::new();
    let pixels = image::RgbaImage::from_fn(700, 100, |x, _| image::Rgba([x as u8, 0, 0, 200]));
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&pixels, 700, 100, image::ExtendedColorType::Rgba8)
        .unwrap();
    let mut gif = Vec::new();
    {
        let mut encoder = image::codecs::gif::GifEncoder::new(&mut gif);
        for shade in [0u8, 120, 240] {
            let frame = image::RgbaImage::from_pixel(40, 30, image::Rgba([shade, shade, 0, 255]));
            encoder.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    let mut webp = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut webp)
        .write_image(&pixels, 700, 100, image::ExtendedColorType::Rgba8)
        .unwrap();

    // The name says nothing: a PNG called .jpg is a PNG.
    for (bytes, name, expected) in [
        (png, "chart.jpg", "/700.png"),
        (gif, "loop.gif", "/40.gif"),
        (webp, "x.webp", "/700.webp"),
    ] {
        let response = upload(&editor, bytes, name, "", true).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{name}");
        let answer: serde_json::Value =
            serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
        let address = answer["address"].as_str().unwrap().to_owned();
        let markdown = answer["markdown"].as_str().unwrap();
        assert_eq!(markdown, format!("![]({address})"));
        assert!(address.ends_with(expected), "{answer}");
        let served = site.reader().get(&address).await;
        assert_eq!(served.status(), StatusCode::OK);
        let bytes = served.bytes().await.unwrap();
        assert!(image::load_from_memory(&bytes).is_ok(), "{address}");
    }
    // The GIF keeps its animation.
    let gifs = site
        .app
        .store
        .media_library("loop", tidings_store::Page { number: 1, size: 5 })
        .await
        .unwrap();
    let gif = &gifs.items[0];
    let served = site
        .reader()
        .get(&gif.address().path())
        .await
        .bytes()
        .await
        .unwrap();
    let frames = image::AnimationDecoder::into_frames(
        image::codecs::gif::GifDecoder::new(std::io::Cursor::new(served.to_vec())).unwrap(),
    )
    .count();
    assert_eq!(frames, 3);
}

#[tokio::test]
async fn bad_files_get_a_clear_answer_and_the_alt_text_is_kept() {
    let data = data_folder().await;
    write_config(data.path(), "media_max_upload_megabytes = 1\n");
    let site = TestApp::spawn_in(data).await;
    let editor = site.moderator().await;
    // A JPEG's first bytes and nothing of a picture after them.
    let damaged = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[0x00; 64]].concat();
    let cases: Vec<(Vec<u8>, &str, StatusCode, &str)> = vec![
        (
            Vec::new(),
            "empty.jpg",
            StatusCode::UNPROCESSABLE_ENTITY,
            "The file is empty",
        ),
        (
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec(),
            "picture.jpg",
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not an image the site can show",
        ),
        (
            png_claiming(100_000, 100_000),
            "bomb.png",
            StatusCode::UNPROCESSABLE_ENTITY,
            "100000 × 100000 pixels, more than the 50 megapixels",
        ),
        (
            damaged,
            "cut.jpg",
            StatusCode::UNPROCESSABLE_ENTITY,
            "could not be read",
        ),
        (
            vec![0xFF; 1536 * 1024],
            "huge.jpg",
            StatusCode::PAYLOAD_TOO_LARGE,
            "The file is 1.5 MB; the most this site accepts is 1.0 MB.",
        ),
    ];
    for (bytes, name, status, message) in cases {
        let response = upload(&editor, bytes.clone(), name, "A typed description", false).await;
        assert_eq!(response.status(), status, "{name}");
        let page = body(response).await;
        assert!(page.contains(message), "{name}: {page}");
        assert!(
            page.contains("value=\"A typed description\""),
            "{name}: the alt text is kept"
        );
        let answer = upload(&editor, bytes, name, "", true).await;
        assert_eq!(answer.status(), status, "{name} (script)");
        let answer: serde_json::Value =
            serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
        assert!(
            answer["error"].as_str().unwrap().contains(message),
            "{answer}"
        );
    }
    // A larger file than the route reads at all still gets its reason.
    let response = upload(
        &editor,
        vec![0xFF; 3 * 1024 * 1024],
        "larger.jpg",
        "Kept",
        false,
    )
    .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = body(response).await;
    assert!(
        page.contains("the most this site accepts is 1.0 MB"),
        "{page}"
    );

    // Nothing was stored.
    let library = site
        .app
        .store
        .media_library(
            "",
            tidings_store::Page {
                number: 1,
                size: 10,
            },
        )
        .await
        .unwrap();
    assert!(library.items.is_empty());
    let stored: Vec<_> = std::fs::read_dir(site.data.path().join("media"))
        .unwrap()
        .collect();
    assert!(stored.is_empty(), "{stored:?}");
}

#[tokio::test]
async fn contributors_cannot_upload_and_a_forged_upload_is_refused() {
    let site = TestApp::spawn().await;
    let _administrator = site.moderator().await;
    site.create_user("contributor@example.com", Role::Contributor)
        .await;
    let contributor = site.sign_in("contributor@example.com").await;
    let response = upload(&contributor, photo(100, 100), "a.jpg", "", false).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = upload(&contributor, photo(100, 100), "a.jpg", "", true).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        contributor.get("/admin/media").await.status(),
        StatusCode::FORBIDDEN
    );

    site.create_user("author@example.com", Role::Author).await;
    let author = site.sign_in("author@example.com").await;
    let forged = Moderator {
        reader: Reader {
            client: author.reader.client.clone(),
            base: author.reader.base.clone(),
        },
        csrf: "not-the-token".into(),
    };
    let response = upload(&forged, photo(100, 100), "a.jpg", "", false).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = upload(&author, photo(100, 100), "a.jpg", "", false).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let library = site
        .app
        .store
        .media_library(
            "",
            tidings_store::Page {
                number: 1,
                size: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(library.items.len(), 1, "only the author's upload was kept");

    // An image described later.
    let key = library.items[0].key.to_string();
    let response = author
        .post(&format!("/admin/media/{key}"), &[("alt", "A red square")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = body(author.get("/admin/media").await).await;
    assert!(
        page.contains(&format!("![A red square](/media/{key}/100.jpg)")),
        "{page}"
    );
    let too_long = "x".repeat(501);
    let response = author
        .post(&format!("/admin/media/{key}"), &[("alt", &too_long)])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(response).await.contains("The alt text is too long"));
}

#[tokio::test]
async fn a_featured_image_leads_the_article_and_its_link_previews() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let response = upload(&editor, photo(1800, 1200), "pier.jpg", "The pier", false).await;
    let key = uploaded_key(&response);
    let address = format!("/media/{key}/1600.jpg");

    // The editor offers the library's images with their Markdown and address.
    let form = body(editor.get("/admin/articles/new").await).await;
    assert!(
        form.contains(&format!("data-address=\"{address}\"")),
        "{form}"
    );
    assert!(form.contains(&format!("![The pier]({address})")));

    let fields = |featured: &'static str| {
        vec![
            ("title", "Pier reopens"),
            ("body", "The pier is open again."),
            ("status", "published"),
            ("comments_open", "1"),
            ("featured_image", featured),
            ("featured_image_alt", "The pier at noon"),
        ]
    };
    let refused = editor
        .post(
            "/admin/articles",
            &fields("https://elsewhere.example/x.jpg"),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = body(refused).await;
    assert!(page.contains("The featured image must be an image from the media library"));
    assert!(
        page.contains("value=\"The pier at noon\""),
        "what was typed is kept"
    );

    let leaked: &'static str = Box::leak(address.clone().into_boxed_str());
    let saved = editor.post("/admin/articles", &fields(leaked)).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let front = body(site.reader().get("/").await).await;
    assert!(
        front.contains(&format!("<img src=\"{address}\"")),
        "{front}"
    );
    let permalink = attribute_after(&front, "<h2 class=\"entry-title\"><a href=\"").unwrap();
    let article = body(site.reader().get(&permalink).await).await;
    // Its size is given, so nothing moves as it loads: 1600 × 1067 of an 1800 × 1200 photo.
    assert!(
        article.contains(&format!(
            "<figure class=\"entry-image\"><img src=\"{address}\" width=\"1600\" height=\"1066\" srcset=\"/media/{key}/320.jpg 320w"
        )),
        "{article}"
    );
    assert!(article.contains("alt=\"The pier at noon\""));
    let base = format!("http://{}", site.address);
    for tag in [
        format!("<meta property=\"og:image\" content=\"{base}{address}\">"),
        "<meta property=\"og:image:width\" content=\"1600\">".to_owned(),
        "<meta property=\"og:image:height\" content=\"1066\">".to_owned(),
        "<meta property=\"og:image:alt\" content=\"The pier at noon\">".to_owned(),
        "<meta property=\"og:type\" content=\"article\">".to_owned(),
        "<meta property=\"og:title\" content=\"Pier reopens\">".to_owned(),
        format!("<meta property=\"og:url\" content=\"{base}{permalink}\">"),
        "<meta name=\"twitter:card\" content=\"summary_large_image\">".to_owned(),
        "<meta property=\"article:section\" content=\"Uncategorised\">".to_owned(),
    ] {
        assert!(article.contains(&tag), "{tag}");
    }
    // Search engines read the same from the JSON-LD.
    let start = article
        .find("<script type=\"application/ld+json\">")
        .unwrap()
        + 35;
    let end = start + article[start..].find("</script>").unwrap();
    let described: serde_json::Value = serde_json::from_str(&article[start..end]).unwrap();
    let news = &described["@graph"][0];
    assert_eq!(news["@type"], "NewsArticle");
    assert_eq!(news["headline"], "Pier reopens");
    assert_eq!(news["url"], format!("{base}{permalink}"));
    assert_eq!(news["image"]["url"], format!("{base}{address}"));
    assert_eq!(news["image"]["width"], 1600);
    assert_eq!(news["image"]["height"], 1066);
    assert_eq!(news["articleSection"], "Uncategorised");
    assert_eq!(news["publisher"]["name"], "The Daily Test");
    assert_eq!(news["author"][0]["@type"], "Person");
    assert!(
        news["author"][0]["url"]
            .as_str()
            .unwrap()
            .contains("/author/")
    );
    assert!(news["datePublished"].as_str().unwrap().ends_with('Z'));
    let crumbs = &described["@graph"][1];
    assert_eq!(crumbs["@type"], "BreadcrumbList");
    let names: Vec<&str> = crumbs["itemListElement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["The Daily Test", "Uncategorised", "Pier reopens"]);
}

#[tokio::test]
async fn anyone_may_give_their_author_page_a_picture() {
    let site = TestApp::spawn().await;
    let _administrator = site.moderator().await;
    site.create_user("contributor@example.com", Role::Contributor)
        .await;
    let contributor = site.sign_in("contributor@example.com").await;
    let author_page = {
        let profile = body(contributor.get("/admin/profile").await).await;
        // The picture's form is on the page once, and nothing but text is in its title.
        assert!(
            profile.contains("<title>Your profile – The Daily Test</title>"),
            "{profile}"
        );
        assert_eq!(profile.matches("id=\"avatar\"").count(), 1);
        attribute_after(&profile, "class=\"button\" href=\"").unwrap()
    };
    let page = body(site.reader().get(&author_page).await).await;
    assert!(page.contains("class=\"archive-picture\""), "{page}");
    assert!(page.contains("src=\"/avatars/"), "the identicon at first");

    let send = |bytes: Vec<u8>, remove: bool| {
        let mut form = Form::new().text("csrf", contributor.csrf.clone());
        if remove {
            form = form.text("remove", "1");
        }
        let form = form.part("file", Part::bytes(bytes).file_name("me.jpg"));
        contributor
            .reader
            .client
            .post(format!("{}/admin/profile/avatar", contributor.reader.base))
            .multipart(form)
            .send()
    };
    let refused = send(b"not a picture".to_vec(), false).await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        body(refused)
            .await
            .contains("not an image the site can show")
    );

    let saved = send(with_gps(&photo(600, 600)), false).await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = body(site.reader().get(&author_page).await).await;
    let picture = attribute_after(&page, "<img src=\"").unwrap();
    assert!(
        picture.starts_with("/media/") && picture.ends_with("/320.jpg"),
        "{picture}"
    );
    let bytes = site.reader().get(&picture).await.bytes().await.unwrap();
    assert!(!contains(&bytes, GPS_MARKER));

    let removed = send(Vec::new(), true).await.unwrap();
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    let page = body(site.reader().get(&author_page).await).await;
    assert!(page.contains("src=\"/avatars/"), "{page}");
}

/// Without script, the editor's form carries its image: uploaded on save and added to the
/// text; a file too large comes back as a 413 with everything typed.
#[tokio::test]
async fn the_editor_form_takes_an_image_and_a_refused_one_keeps_the_text() {
    let data = data_folder().await;
    write_config(data.path(), "media_max_upload_megabytes = 1\n");
    let site = TestApp::spawn_in(data).await;
    let editor = site.moderator().await;
    let long_text = "A long story, typed for an hour. ".repeat(400);
    let send = |image: Vec<u8>| {
        let form = Form::new()
            .text("csrf", editor.csrf.clone())
            .text("kind", "article")
            .text("title", "Harbour at night")
            .text("body", long_text.clone())
            .text("status", "draft")
            .text("image_alt", "Lights on the water")
            .part("image", Part::bytes(image).file_name("night.jpg"));
        editor
            .reader
            .client
            .post(format!("{}/admin/articles", editor.reader.base))
            .multipart(form)
            .send()
    };
    let before = crate::admin::state(&site).await;
    for (image, status, message) in [
        (
            vec![0xFF; 1536 * 1024],
            StatusCode::PAYLOAD_TOO_LARGE,
            "The file is 1.5 MB; the most this site accepts is 1.0 MB.",
        ),
        (
            b"%PDF-1.4 a press release".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not an image the site can show",
        ),
    ] {
        let response = send(image).await.unwrap();
        assert_eq!(response.status(), status);
        let page = body(response).await;
        assert!(page.contains(message), "{page}");
        assert!(page.contains(long_text.trim()), "the text is kept");
        assert!(page.contains("value=\"Harbour at night\""));
        assert!(page.contains("value=\"Lights on the water\""));
    }
    assert_eq!(
        crate::admin::state(&site).await,
        before,
        "nothing was saved"
    );

    let response = send(photo(800, 600)).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let edit = body(editor.get(&location(&response)).await).await;
    let markdown = attribute_after(&edit, "value=\"![Lights on the water](").unwrap();
    assert!(
        markdown.starts_with("/media/") && markdown.ends_with("/800.jpg)"),
        "{markdown}"
    );
    assert!(edit.contains(&format!(
        "{}\n\n![Lights on the water]({markdown}",
        long_text.trim()
    )));
}

#[tokio::test]
async fn the_editorial_checks_know_the_library() {
    let site = TestApp::spawn().await;
    let editor = site.moderator().await;
    let key = uploaded_key(&upload(&editor, photo(700, 500), "a.jpg", "Seen", false).await);
    let text = format!(
        "An image that exists.\n\n![Seen](/media/{key}/700.jpg)\n\n\
         A width never made.\n\n![Gone](/media/{key}/1600.jpg)\n\n\
         No description.\n\n![](/media/{key}/320.jpg)\n"
    );
    let response = editor
        .post(
            "/admin/articles",
            &[
                ("title", "Checked"),
                ("body", &text),
                ("status", "draft"),
                ("featured_image", &format!("/media/{key}/700.jpg")),
            ],
        )
        .await;
    let page = body(editor.get(&location(&response)).await).await;
    assert!(
        !page.contains(&format!("The link to /media/{key}/700.jpg")),
        "{page}"
    );
    assert!(page.contains(&format!(
        "The link to /media/{key}/1600.jpg leads to no page"
    )));
    assert!(page.contains(&format!("The image /media/{key}/320.jpg has no alt text")));
    assert!(page.contains("The featured image has no alt text"));
}
