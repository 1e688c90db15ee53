#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

mod accumulator;
mod catalog;
pub mod converse;
pub mod drift;
mod error;
pub mod eventstream;
pub mod fake;
pub mod family;
pub mod fixture_layout;
mod fixtures;
mod invoke;
pub mod lifecycle;
mod media;
mod model_id;
mod model_info;
mod native;
mod output_schema;
mod pictures;
mod portable;
mod ranking;
mod reasoning;
mod recording;
mod schema;
pub mod service_model;
pub mod sync;

pub use accumulator::StreamAccumulator;
pub use catalog::{Catalog, Resolved, PENDING_PATH};
pub use error::Error;
pub use family::{families, family_by_name, ModelFamily, RenderContext};
pub use fixtures::FixtureStore;
pub use invoke::{
    collect, endpoint_client, to_document, EventStream, Invoker, DEFAULT_TEST_REGION,
};
pub use lifecycle::{Lifecycle, LifecycleState};
pub use media::{AwsMedia, AwsS3Location, AwsSource, Media, MediaKind, MediaSource};
pub use model_id::{ModelId, ModelIdKind, ARN_RESOURCE_TYPES, GEO_PREFIXES, MAX_MODEL_ID_LEN};
pub use model_info::{
    ChatRules, ClaudeRules, ConverseSupport, Endpoint, ImageLimits, ImageService, MantleApi,
    ModelInfo, Output, OutputSize, PendingModel, PromptCacheRules, RefusalStyle, Sampling,
};
pub use native::{build_body, parse_response};
pub use output_schema::OutputSchema;
pub use pictures::{image_size, scaled_to_pixels};
pub use portable::{
    ContentBlock, EmbeddingOptions, ImageFormat, ImageOptions, InferenceParams, InvocationMetrics,
    Message, PortableRequest, PortableResponse, Role, StopReason, StreamEvent, ToolCall,
    ToolChoice, ToolResultContent, ToolSpec, Usage,
};
pub use ranking::{Ranking, RerankOptions};
pub use reasoning::{Effort, Reasoning, Thinking};
pub use recording::{RecordedError, Recording};
pub use schema::{
    parse_body, validate_body, Rejection, SchemaValidator, Violation, MAX_BODY_BYTES,
};
