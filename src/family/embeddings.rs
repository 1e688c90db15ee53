//! Embedding vectors as families read and write them.
//!
//! A vector is typed `Vec<f32>`. Written as it is, an `f32` that passes
//! through a `serde_json::Value` (as every rendered body does) is widened
//! to `f64` and printed as `0.041200000792741776`; Bedrock prints `0.0412`.
//! [`shortest_f32`] is the `serialize_with` that writes each value with the
//! shortest decimal that reads back as the same `f32`.

use crate::error::Error;
use crate::portable::PortableResponse;
use serde::ser::{Serialize, Serializer};
use std::collections::BTreeMap;

/// The one vector of a response, for families that embed one input per
/// call (Titan Text and Multimodal Embeddings), checked to be finite.
pub(crate) fn single_vector(
    family: &'static str,
    resp: &PortableResponse,
) -> Result<Vec<f32>, Error> {
    match resp.embeddings.as_slice() {
        [only] => finite(family, only).map(|_| only.clone()),
        all => Err(Error::unsupported(
            family,
            format!("{} embeddings in one response (exactly one)", all.len()),
        )),
    }
}

/// Every vector of a response, checked to be finite.
pub(crate) fn all_vectors(
    family: &'static str,
    resp: &PortableResponse,
) -> Result<Vec<Vec<f32>>, Error> {
    for vector in &resp.embeddings {
        finite(family, vector)?;
    }
    Ok(resp.embeddings.clone())
}

/// JSON has no NaN or infinity: such a value cannot be sent.
fn finite(family: &'static str, vector: &[f32]) -> Result<(), Error> {
    match vector.iter().find(|v| !v.is_finite()) {
        Some(v) => Err(Error::unsupported(
            family,
            format!("the non-finite embedding value {v}"),
        )),
        None => Ok(()),
    }
}

/// Values whose `f32`s are written the shortest way: `f32`, and vectors,
/// options and maps of them.
pub(crate) trait Floats {
    /// Serialises `self` with every `f32` as its shortest decimal.
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
}

/// Borrows a [`Floats`] value as a `Serialize` one.
struct Shortest<'a, T: ?Sized>(&'a T);

impl<T: Floats + ?Sized> Serialize for Shortest<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

impl Floats for f32 {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shortest = self.to_string().parse::<f64>().unwrap_or(f64::NAN);
        serializer.serialize_f64(shortest)
    }
}

impl<T: Floats> Floats for Vec<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(Shortest))
    }
}

impl<T: Floats> Floats for Option<T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&Shortest(value)),
            None => serializer.serialize_none(),
        }
    }
}

impl<T: Floats> Floats for BTreeMap<String, T> {
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k, Shortest(v))))
    }
}

/// `#[serde(serialize_with = "shortest_f32")]` for a field of `f32`s.
pub(crate) fn shortest_f32<T: Floats, S: Serializer>(
    value: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.write(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Serialize)]
    struct Body {
        #[serde(serialize_with = "shortest_f32")]
        vector: Vec<f32>,
        #[serde(serialize_with = "shortest_f32")]
        by_type: BTreeMap<String, Vec<Vec<f32>>>,
    }

    #[test]
    fn vectors_are_written_with_the_shortest_f32_decimal_also_through_a_value() {
        let body = Body {
            vector: vec![0.0412, -1.5],
            by_type: BTreeMap::from([("float".to_string(), vec![vec![0.016281128]])]),
        };
        let value = serde_json::to_value(&body).unwrap();
        assert_eq!(
            value.to_string(),
            r#"{"vector":[0.0412,-1.5],"by_type":{"float":[[0.016281128]]}}"#
        );
        assert_eq!(serde_json::to_string(&body).unwrap(), value.to_string());
        assert_eq!(value["vector"], json!([0.0412, -1.5]));
    }

    #[test]
    fn exactly_one_finite_vector_is_single() {
        let mut resp = PortableResponse::default();
        assert!(single_vector("t", &resp).is_err());
        resp.embeddings = vec![vec![1.0]];
        assert_eq!(single_vector("t", &resp).unwrap(), vec![1.0]);
        resp.embeddings = vec![vec![f32::NAN]];
        let err = single_vector("t", &resp).unwrap_err();
        assert!(
            err.to_string().contains("non-finite embedding value NaN"),
            "{err}"
        );
        assert!(all_vectors("t", &resp).is_err());
    }
}
