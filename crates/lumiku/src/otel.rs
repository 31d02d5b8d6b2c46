//! OpenTelemetry trace export, with the `otel` cargo feature: every span (a request and what it
//! does) goes to an OTLP/HTTP collector at `otel_endpoint`, in OTLP's JSON encoding, under the
//! trace a request's `traceparent` names (lumiku-server continues it). Without the feature a
//! configured endpoint is a start-up error, not silently ignored.

use lumiku_server::config::Config;
use tracing::Subscriber;
use tracing_subscriber::Layer;
use tracing_subscriber::registry::LookupSpan;

/// What must be flushed before the process ends.
pub struct Telemetry {
    #[cfg(feature = "otel")]
    provider: Option<opentelemetry_sdk::trace::SdkTracerProvider>,
}

impl Telemetry {
    /// Sends what is still buffered (waiting at most the exporter's timeout).
    pub async fn finish(self) {
        #[cfg(feature = "otel")]
        if let Some(provider) = self.provider {
            // The batch processor's thread hands each export to this runtime (TokioHttp): wait
            // for it from a blocking thread, never from a runtime worker.
            let shutdown = tokio::task::spawn_blocking(move || provider.shutdown()).await;
            if let Ok(Err(error)) = shutdown {
                eprintln!("exporting the last traces failed: {error}");
            }
        }
    }
}

/// The layer that exports spans, if `config` names a collector.
#[cfg(not(feature = "otel"))]
pub fn layer<S>(config: &Config) -> anyhow::Result<(Option<impl Layer<S>>, Telemetry)>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    anyhow::ensure!(
        config.otel_endpoint.is_none(),
        "otel_endpoint is set, but this lumiku was built without the otel feature \
         (cargo build --release --features otel)"
    );
    Ok((None::<tracing_subscriber::layer::Identity>, Telemetry {}))
}

/// The layer that exports spans, if `config` names a collector.
#[cfg(feature = "otel")]
pub fn layer<S>(config: &Config) -> anyhow::Result<(Option<impl Layer<S>>, Telemetry)>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    use opentelemetry::trace::TracerProvider as _;
    use opentelemetry_otlp::{Protocol, WithExportConfig as _, WithHttpConfig as _};

    let Some(endpoint) = &config.otel_endpoint else {
        return Ok((None, Telemetry { provider: None }));
    };
    anyhow::ensure!(
        endpoint.starts_with("http://") || endpoint.starts_with("https://"),
        "otel_endpoint must be an http:// or https:// URL (OTLP/HTTP, e.g. \
         http://127.0.0.1:4318/v1/traces), not {endpoint}"
    );
    let client = TokioHttp {
        client: reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()?,
        runtime: tokio::runtime::Handle::current(),
    };
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpJson)
        .with_endpoint(endpoint.as_str())
        .with_http_client(client)
        .build()?;
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(
            opentelemetry_sdk::Resource::builder()
                .with_service_name(config.otel_service_name.clone())
                .build(),
        )
        .build();
    opentelemetry::global::set_text_map_propagator(
        opentelemetry_sdk::propagation::TraceContextPropagator::new(),
    );
    let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer("lumiku"));
    Ok((
        Some(layer),
        Telemetry {
            provider: Some(provider),
        },
    ))
}

/// The exporter's HTTP client: the batch processor runs on a thread of its own, outside the
/// runtime, so each request is run on the server's runtime with the reqwest client Lumiku already
/// has, and awaited from there.
#[cfg(feature = "otel")]
#[derive(Debug)]
struct TokioHttp {
    client: reqwest::Client,
    runtime: tokio::runtime::Handle,
}

#[cfg(feature = "otel")]
#[async_trait::async_trait]
impl opentelemetry_http::HttpClient for TokioHttp {
    async fn send_bytes(
        &self,
        request: opentelemetry_http::Request<opentelemetry_http::Bytes>,
    ) -> Result<
        opentelemetry_http::Response<opentelemetry_http::Bytes>,
        opentelemetry_http::HttpError,
    > {
        let request = reqwest::Request::try_from(request)?;
        let client = self.client.clone();
        let sent = self.runtime.spawn(async move {
            let response = client.execute(request).await?;
            let (status, headers) = (response.status(), response.headers().clone());
            let body = response.bytes().await?;
            let mut answer = opentelemetry_http::Response::new(body);
            *answer.status_mut() = status;
            *answer.headers_mut() = headers;
            Ok::<_, reqwest::Error>(answer)
        });
        Ok(sent.await??)
    }
}
