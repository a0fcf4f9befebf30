//! The API's OpenAPI 3.1 document, generated from the handlers' annotations and the types
//! they answer with, and the reference page made from that same document: one source, so
//! the page cannot say what the API does not do.

use super::{articles, directory, discussion, media};
use crate::app::App;
use crate::web::AppError;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tidings API",
        version = "1",
        description = "Articles, pages, sections, tags, comments and people of a tidings \
                       site, in JSON. Reads of public things need no account. Writes sign \
                       in with the account's email and an application password over HTTP \
                       Basic, or, from the admin's own pages, with the session cookie and \
                       its CSRF token in an `X-CSRF-Token` header; each acts with the \
                       account's role, as the admin does. Lists are newest first and page \
                       with opaque cursors (`next_cursor`, and a `Link: rel=\"next\"` \
                       header). Every answer has an `ETag`: send it in `If-None-Match` to \
                       get `304 Not Modified`, and in `If-Match` when you change what you \
                       read, so a change someone made meanwhile is answered `412` instead \
                       of being overwritten. Every error is `{code, message, fields}` with \
                       a stable `code`."
    ),
    paths(
        articles::list_articles,
        articles::create_article,
        articles::get_article,
        articles::update_article,
        articles::delete_article,
        articles::list_pages,
        articles::create_page,
        articles::get_page,
        articles::update_page,
        articles::delete_page,
        discussion::list_comments,
        discussion::post_comment,
        discussion::get_comment,
        discussion::moderate_comment,
        discussion::get_settings,
        discussion::change_settings,
        directory::list_sections,
        directory::create_section,
        directory::list_tags,
        directory::create_tag,
        media::list_media,
        media::get_media,
        media::upload_media,
        directory::list_users,
        directory::get_user,
        directory::me,
    ),
    components(schemas(super::ErrorBody, super::FieldError)),
    modifiers(&Security, &EveryOperationsErrors),
    tags(
        (name = "articles", description = "News articles"),
        (name = "pages", description = "Standing pages (About, Contact…)"),
        (name = "comments", description = "Readers' comments and their moderation"),
        (name = "sections", description = "Sections (WordPress's categories)"),
        (name = "tags", description = "Tags"),
        (name = "users", description = "The people who write and run the site"),
        (name = "media", description = "The media library's images"),
        (name = "settings", description = "The site's settings"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "application_password",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Basic)
                    .description(Some(
                        "The account's email and one of its application passwords.",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "tidings_session",
                "The admin's session; writes also send its CSRF token in X-CSRF-Token.",
            ))),
        );
    }
}

/// What any operation may answer besides its own statuses: a request that cannot be read
/// (400), and for those with a body, one too large (413) or not JSON (415).
struct EveryOperationsErrors;

impl Modify for EveryOperationsErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let error = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                let responses = &mut operation.responses.responses;
                responses
                    .entry("400".into())
                    .or_insert_with(|| error("The request cannot be read (`bad_request`)").into());
                if operation.request_body.is_some() {
                    responses.entry("413".into()).or_insert_with(|| {
                        error("The body is larger than the API accepts (`payload_too_large`)")
                            .into()
                    });
                    responses.entry("415".into()).or_insert_with(|| {
                        error("The body is not JSON (`unsupported_media_type`)").into()
                    });
                }
            }
        }
    }
}

/// The document as served: made once, it never changes while the program runs.
fn document() -> &'static str {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DOCUMENT.get_or_init(|| {
        ApiDoc::openapi()
            .to_pretty_json()
            .unwrap_or_else(|error| format!("{{\"error\": \"{error}\"}}"))
    })
}

pub async fn openapi_json() -> Response {
    let mut response = document().to_owned().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

#[derive(Serialize)]
struct ReferencePage {
    site: crate::render::views::SiteView,
    noindex: bool,
    description: String,
    operations: Vec<Operation>,
    schemas: Vec<Schema>,
}

#[derive(Serialize)]
struct Operation {
    anchor: String,
    method: String,
    path: String,
    tag: String,
    summary: String,
    signs_in: bool,
    parameters: Vec<Field>,
    body: Option<String>,
    responses: Vec<(String, String, Option<String>)>,
}

#[derive(Serialize)]
struct Schema {
    name: String,
    description: String,
    fields: Vec<Field>,
}

#[derive(Serialize)]
struct Field {
    name: String,
    kind: String,
    required: bool,
    description: String,
}

pub async fn reference_page(State(app): State<App>) -> Result<Response, AppError> {
    let document: Value = serde_json::from_str(document())
        .map_err(|error| AppError::Internal(anyhow::Error::new(error)))?;
    let page = ReferencePage {
        site: app.site_view(),
        noindex: false,
        description: text(&document["info"]["description"]),
        operations: operations(&document),
        schemas: schemas(&document),
    };
    let body = app.templates.render("api.html", &page)?;
    Ok(crate::web::public::html(
        StatusCode::OK,
        body,
        "public, max-age=300",
    ))
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// `#/components/schemas/ArticleOut` → `ArticleOut`.
fn schema_name(value: &Value) -> Option<String> {
    let reference = value["$ref"]
        .as_str()
        .or_else(|| value["items"]["$ref"].as_str())?;
    reference.rsplit('/').next().map(str::to_owned)
}

fn kind_of(schema: &Value) -> String {
    if let Some(name) = schema_name(schema) {
        return if schema["type"] == "array" {
            format!("array of {name}")
        } else {
            name
        };
    }
    match &schema["type"] {
        Value::String(kind) if kind == "array" => format!("array of {}", kind_of(&schema["items"])),
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => match schema["oneOf"].as_array() {
            Some(options) => options.iter().map(kind_of).collect::<Vec<_>>().join(" or "),
            None => "any".into(),
        },
    }
}

fn operations(document: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    let Some(paths) = document["paths"].as_object() else {
        return operations;
    };
    for (path, methods) in paths {
        let Some(methods) = methods.as_object() else {
            continue;
        };
        for (method, operation) in methods {
            let parameters = operation["parameters"]
                .as_array()
                .map(|parameters| {
                    parameters
                        .iter()
                        .map(|parameter| Field {
                            name: format!(
                                "{} ({})",
                                text(&parameter["name"]),
                                text(&parameter["in"])
                            ),
                            kind: kind_of(&parameter["schema"]),
                            required: parameter["required"].as_bool().unwrap_or(false),
                            description: text(&parameter["description"]),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let responses = operation["responses"]
                .as_object()
                .map(|responses| {
                    responses
                        .iter()
                        .map(|(status, response)| {
                            let body =
                                schema_name(&response["content"]["application/json"]["schema"]);
                            (status.clone(), text(&response["description"]), body)
                        })
                        .collect()
                })
                .unwrap_or_default();
            let summary = [text(&operation["summary"]), text(&operation["description"])]
                .into_iter()
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            operations.push(Operation {
                anchor: format!("{method}-{}", path.replace(['/', '{', '}'], "-")),
                method: method.to_uppercase(),
                path: path.clone(),
                tag: operation["tags"][0].as_str().unwrap_or("other").to_owned(),
                summary,
                signs_in: operation["security"].is_array(),
                parameters,
                body: schema_name(
                    &operation["requestBody"]["content"]["application/json"]["schema"],
                ),
                responses,
            });
        }
    }
    operations
}

fn schemas(document: &Value) -> Vec<Schema> {
    let Some(schemas) = document["components"]["schemas"].as_object() else {
        return Vec::new();
    };
    schemas
        .iter()
        .map(|(name, schema)| {
            let required: Vec<&str> = schema["required"]
                .as_array()
                .map(|names| names.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields = schema["properties"]
                .as_object()
                .map(|properties| {
                    properties
                        .iter()
                        .map(|(field, property)| Field {
                            name: field.clone(),
                            kind: kind_of(property),
                            required: required.contains(&field.as_str()),
                            description: text(&property["description"]),
                        })
                        .collect()
                })
                .unwrap_or_default();
            Schema {
                name: name.clone(),
                description: text(&schema["description"]),
                fields,
            }
        })
        .collect()
}
