//! Embedding vectors as families render them.

use crate::error::Error;
use crate::portable::PortableResponse;
use serde_json::Value;

/// The one vector of a response, for families that embed one input per
/// call (Titan Text and Multimodal Embeddings).
pub(crate) fn single_vector<'a>(
    family: &'static str,
    resp: &'a PortableResponse,
) -> Result<&'a [f32], Error> {
    match resp.embeddings.as_slice() {
        [only] => Ok(only),
        all => Err(Error::unsupported(
            family,
            format!("{} embeddings in one response (exactly one)", all.len()),
        )),
    }
}

/// A vector as JSON numbers, each written with the shortest decimal that
/// reads back as the same `f32` (`0.0412`, not `0.041200000792741776`).
pub(crate) fn vector_json(family: &'static str, vector: &[f32]) -> Result<Value, Error> {
    vector
        .iter()
        .map(|v| {
            v.to_string()
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .ok_or_else(|| {
                    Error::unsupported(family, format!("the non-finite embedding value {v}"))
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_written_with_the_shortest_f32_decimal() {
        let json = vector_json("t", &[0.0412, -1.5]).unwrap();
        assert_eq!(json.to_string(), "[0.0412,-1.5]");
        assert!(vector_json("t", &[f32::NAN]).is_err());
    }

    #[test]
    fn exactly_one_vector_is_single() {
        let mut resp = PortableResponse::default();
        assert!(single_vector("t", &resp).is_err());
        resp.embeddings = vec![vec![1.0]];
        assert_eq!(single_vector("t", &resp).unwrap(), &[1.0]);
    }
}
