//! The serde shape of an [`Otp`] in the vault document.

use std::{borrow::Cow, fmt};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use zeroize::Zeroize;

use super::{parse_secret, Algorithm, Otp, OtpKind, DEFAULT_PERIOD, MAX_PERIOD, STEAM_DIGITS};
use crate::{Error, Result};

/// The on-disk shape of an [`Otp`]:
/// `{"type":"totp","secret":"BASE32","algorithm":"SHA1","digits":6,"period":30}`.
/// The base32 secret is zeroized when this is dropped.
///
/// Text fields borrow from the decrypted document where they can, so a
/// secret is not copied once more on its way to [`SecretBytes`](crate::secret::SecretBytes).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OtpDoc<'a> {
    #[serde(rename = "type")]
    kind: KindTag,
    #[serde(borrow)]
    secret: Cow<'a, str>,
    #[serde(default, borrow, skip_serializing_if = "Option::is_none")]
    algorithm: Option<Cow<'a, str>>,
    // Numbers are read as any JSON value and checked here, so that an error
    // names the field ("invalid digits: must be 6, 7 or 8, got 300") instead of
    // serde's anonymous "expected u8".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    digits: Option<DocNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    period: Option<DocNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    counter: Option<DocNumber>,
}

/// A number field of an [`OtpDoc`]: a whole number of 0 or more, or, for
/// any other JSON value, how an error message describes what was found.
///
/// It reads the same values a `serde_json::Value` would and describes them
/// the same way, without building one (a `Value` per field was a sizable
/// part of reading a large vault).
#[derive(Debug, PartialEq)]
enum DocNumber {
    Whole(u64),
    Other(String),
}

impl Serialize for DocNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            DocNumber::Whole(n) => serializer.serialize_u64(*n),
            // Only ever built by deserializing; `Otp` serializes whole numbers.
            DocNumber::Other(_) => Err(serde::ser::Error::custom("not a whole number")),
        }
    }
}

impl<'de> Deserialize<'de> for DocNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = DocNumber;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<DocNumber, E> {
                Ok(DocNumber::Whole(v))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> std::result::Result<DocNumber, E> {
                Ok(match u64::try_from(v) {
                    Ok(v) => DocNumber::Whole(v),
                    Err(_) => DocNumber::Other(serde_json::Number::from(v).to_string()),
                })
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> std::result::Result<DocNumber, E> {
                // As `serde_json::Value` prints it (JSON has no NaN or infinity).
                Ok(DocNumber::Other(match serde_json::Number::from_f64(v) {
                    Some(n) => n.to_string(),
                    None => "null".to_owned(),
                }))
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> std::result::Result<DocNumber, E> {
                Ok(DocNumber::Other(
                    "text (write the number without quotes)".to_owned(),
                ))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> std::result::Result<DocNumber, E> {
                Ok(DocNumber::Other(v.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<DocNumber, E> {
                Ok(DocNumber::Other("null".to_owned()))
            }
            fn visit_none<E: serde::de::Error>(self) -> std::result::Result<DocNumber, E> {
                self.visit_unit()
            }
            fn visit_some<D: Deserializer<'de>>(
                self,
                deserializer: D,
            ) -> std::result::Result<DocNumber, D::Error> {
                DocNumber::deserialize(deserializer)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<DocNumber, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(DocNumber::Other("a list".to_owned()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<DocNumber, A::Error> {
                while map
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(DocNumber::Other("an object".to_owned()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Drop for OtpDoc<'_> {
    fn drop(&mut self) {
        if let Cow::Owned(secret) = &mut self.secret {
            secret.zeroize();
        }
    }
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum KindTag {
    Totp,
    Hotp,
    Steam,
}

impl Serialize for Otp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let secret = Cow::Owned(data_encoding::BASE32_NOPAD.encode(self.secret.expose()));
        let doc = match self.kind {
            OtpKind::Totp { period } => OtpDoc {
                kind: KindTag::Totp,
                secret,
                algorithm: Some(Cow::Borrowed(self.algorithm.as_str())),
                digits: Some(DocNumber::Whole(self.digits.into())),
                period: Some(DocNumber::Whole(period.into())),
                counter: None,
            },
            OtpKind::Hotp { counter } => OtpDoc {
                kind: KindTag::Hotp,
                secret,
                algorithm: Some(Cow::Borrowed(self.algorithm.as_str())),
                digits: Some(DocNumber::Whole(self.digits.into())),
                period: None,
                counter: Some(DocNumber::Whole(counter)),
            },
            OtpKind::Steam { period } => OtpDoc {
                kind: KindTag::Steam,
                secret,
                algorithm: None,
                digits: None,
                period: Some(DocNumber::Whole(period.into())),
                counter: None,
            },
        };
        doc.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Otp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let doc = OtpDoc::deserialize(deserializer)?;
        otp_from_doc(&doc).map_err(serde::de::Error::custom)
    }
}

/// A non-negative whole number from a vault document, or an error naming
/// `field`.
fn doc_number(value: &Option<DocNumber>, field: &str, expected: &str) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(DocNumber::Whole(n)) => Ok(Some(*n)),
        Some(DocNumber::Other(got)) => Err(Error::invalid(
            field,
            format!("must be {expected}, got {got}"),
        )),
    }
}

fn otp_from_doc(doc: &OtpDoc<'_>) -> Result<Otp> {
    let type_name = match doc.kind {
        KindTag::Totp => "totp",
        KindTag::Hotp => "hotp",
        KindTag::Steam => "steam",
    };
    let not_for = |field: &str| {
        Error::invalid(
            field,
            format!("does not apply to a {type_name} entry; remove it"),
        )
    };
    let digits = doc_number(&doc.digits, "digits", "6, 7 or 8")?;
    let period = doc_number(&doc.period, "period", "1 to 300 seconds")?;
    let counter = doc_number(&doc.counter, "counter", "a whole number of 0 or more")?;
    let digits = match digits {
        Some(d) => Some(
            u8::try_from(d)
                .map_err(|_| Error::invalid("digits", format!("must be 6, 7 or 8, got {d}")))?,
        ),
        None => None,
    };
    let period = match period {
        Some(p) => Some(u32::try_from(p).map_err(|_| {
            Error::invalid(
                "period",
                format!("must be 1 to {MAX_PERIOD} seconds, got {p}"),
            )
        })?),
        None => None,
    };
    let secret = parse_secret(&doc.secret)?;
    let algorithm = match &doc.algorithm {
        Some(text) => text.parse::<Algorithm>()?,
        None => Algorithm::Sha1,
    };
    match doc.kind {
        KindTag::Totp => {
            if counter.is_some() {
                return Err(not_for("counter"));
            }
            Otp::new(
                OtpKind::Totp {
                    period: period.unwrap_or(DEFAULT_PERIOD),
                },
                algorithm,
                digits.unwrap_or(6),
                secret,
            )
        }
        KindTag::Hotp => {
            if period.is_some() {
                return Err(not_for("period"));
            }
            let counter = counter
                .ok_or_else(|| Error::invalid("counter", "is missing from an hotp entry"))?;
            Otp::new(
                OtpKind::Hotp { counter },
                algorithm,
                digits.unwrap_or(6),
                secret,
            )
        }
        KindTag::Steam => {
            if counter.is_some() {
                return Err(not_for("counter"));
            }
            if let Some(digits) = digits.filter(|d| *d != STEAM_DIGITS) {
                return Err(Error::invalid(
                    "digits",
                    format!("Steam codes always have 5 characters, got {digits}"),
                ));
            }
            Otp::new(
                OtpKind::Steam {
                    period: period.unwrap_or(DEFAULT_PERIOD),
                },
                algorithm,
                STEAM_DIGITS,
                secret,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::otp::tests::otp;
    use proptest::prelude::*;

    // ----- serde -----

    #[test]
    fn serde_shapes() {
        let t = otp(
            OtpKind::Totp { period: 30 },
            Algorithm::Sha1,
            6,
            b"hello world",
        );
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"type":"totp","secret":"NBSWY3DPEB3W64TMMQ","algorithm":"SHA1","digits":6,"period":30}"#
        );
        let h = otp(
            OtpKind::Hotp { counter: 5 },
            Algorithm::Sha512,
            8,
            b"hello world",
        );
        assert_eq!(
            serde_json::to_string(&h).unwrap(),
            r#"{"type":"hotp","secret":"NBSWY3DPEB3W64TMMQ","algorithm":"SHA512","digits":8,"counter":5}"#
        );
        let s = otp(
            OtpKind::Steam { period: 30 },
            Algorithm::Sha1,
            5,
            b"hello world",
        );
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"type":"steam","secret":"NBSWY3DPEB3W64TMMQ","period":30}"#
        );
        for o in [t, h, s] {
            let json = serde_json::to_string_pretty(&o).unwrap();
            let back: Otp = serde_json::from_str(&json).unwrap();
            assert_eq!(back, o);
        }
    }

    #[test]
    fn serde_defaults_and_tolerance() {
        let o: Otp =
            serde_json::from_str(r#"{"type":"totp","secret":"nbsw y3dp eb3w 64tm mq=="}"#).unwrap();
        assert_eq!(o.kind(), &OtpKind::Totp { period: 30 });
        assert_eq!(o.digits(), 6);
        assert_eq!(o.algorithm(), Algorithm::Sha1);
        assert_eq!(o.secret().expose(), b"hello world");
        let s: Otp = serde_json::from_str(
            r#"{"type":"steam","secret":"NBSWY3DPEB3W64TMMQ","algorithm":"SHA1","digits":5}"#,
        )
        .unwrap();
        assert_eq!(s.kind(), &OtpKind::Steam { period: 30 });
    }

    #[test]
    fn serde_rejects_bad_documents_clearly() {
        let cases = [
            (
                r#"{"type":"totp","secret":"NBSWY3DP","digits":9}"#,
                "digits",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","digits":300}"#,
                "digits",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","period":0}"#,
                "period",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","algorithm":"MD5"}"#,
                "algorithm",
            ),
            (r#"{"type":"totp","secret":"NBSW1Y3DP"}"#, "secret"),
            (r#"{"type":"totp","secret":""}"#, "secret"),
            (r#"{"type":"totp"}"#, "secret"),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","counter":3}"#,
                "counter",
            ),
            (r#"{"type":"hotp","secret":"NBSWY3DP"}"#, "counter"),
            (
                r#"{"type":"hotp","secret":"NBSWY3DP","counter":-1}"#,
                "counter",
            ),
            (
                r#"{"type":"hotp","secret":"NBSWY3DP","counter":1,"period":30}"#,
                "period",
            ),
            (
                r#"{"type":"steam","secret":"NBSWY3DP","digits":6}"#,
                "digits",
            ),
            (
                r#"{"type":"steam","secret":"NBSWY3DP","algorithm":"SHA256"}"#,
                "algorithm",
            ),
            (r#"{"type":"motp","secret":"NBSWY3DP"}"#, "motp"),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","peroid":60}"#,
                "peroid",
            ),
            (r#"{"secret":"NBSWY3DP"}"#, "type"),
            (r#"[1,2]"#, ""),
            (r#""totp""#, ""),
        ];
        for (json, field) in cases {
            let err = serde_json::from_str::<Otp>(json).expect_err(json);
            let message = err.to_string();
            assert!(message.contains(field), "{json}: {message}");
            assert!(!message.contains("NBSWY3DP"), "{json}: {message}");
        }
    }

    /// How a number field was described before [`DocNumber`]: read as a
    /// `serde_json::Value`, then printed.
    fn described_as_value(json: &str) -> std::result::Result<Option<u64>, String> {
        let value: Option<serde_json::Value> = match serde_json::from_str(json) {
            Ok(value) => value,
            Err(e) => return Err(format!("not read: {e}")),
        };
        match value {
            None => Ok(None),
            Some(v) => v.as_u64().map(Some).ok_or_else(|| match v {
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::String(_) => "text (write the number without quotes)".to_owned(),
                serde_json::Value::Null => "null".to_owned(),
                serde_json::Value::Bool(b) => b.to_string(),
                serde_json::Value::Array(_) => "a list".to_owned(),
                serde_json::Value::Object(_) => "an object".to_owned(),
            }),
        }
    }

    fn described_as_doc_number(json: &str) -> std::result::Result<Option<u64>, String> {
        let value: Option<DocNumber> = match serde_json::from_str(json) {
            Ok(value) => value,
            Err(e) => return Err(format!("not read: {e}")),
        };
        match value {
            None => Ok(None),
            Some(DocNumber::Whole(n)) => Ok(Some(n)),
            Some(DocNumber::Other(got)) => Err(got),
        }
    }

    #[test]
    fn doc_numbers_read_and_describe_values_as_json_values_did() {
        for json in [
            "0",
            "6",
            "30",
            "18446744073709551615",
            "18446744073709551616",
            "-0",
            "-1",
            "-9223372036854775808",
            "1.0",
            "1.5",
            "1e3",
            "-2.5e-3",
            "1e400",
            r#""6""#,
            r#""""#,
            r#""a\"b\u00e9""#,
            "null",
            "true",
            "false",
            "[]",
            "[1,[2,{\"a\":[]}],\"x\"]",
            "{}",
            r#"{"a":1,"b":{"c":[null]}}"#,
        ] {
            assert_eq!(
                described_as_doc_number(json),
                described_as_value(json),
                "{json}"
            );
        }
        // In a document: the field is named and the rest still parses.
        for (json, message) in [
            (
                r#"{"type":"totp","secret":"NBSWY3DP","digits":[6],"period":30}"#,
                "invalid digits: must be 6, 7 or 8, got a list",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","period":{"s":30}}"#,
                "invalid period: must be 1 to 300 seconds, got an object",
            ),
            (
                r#"{"type":"hotp","secret":"NBSWY3DP","counter":1e3}"#,
                "invalid counter: must be a whole number of 0 or more, got 1000.0",
            ),
            (
                r#"{"type":"hotp","secret":"NBSWY3DP","counter":-5}"#,
                "invalid counter: must be a whole number of 0 or more, got -5",
            ),
            (
                r#"{"type":"totp","secret":"NBSWY3DP","digits":"6"}"#,
                "invalid digits: must be 6, 7 or 8, got text (write the number without quotes)",
            ),
        ] {
            let err = serde_json::from_str::<Otp>(json)
                .expect_err(json)
                .to_string();
            assert!(err.contains(message), "{json}: {err}");
        }
        // null is "not given", as before.
        let o: Otp = serde_json::from_str(
            r#"{"type":"totp","secret":"NBSWY3DP","digits":null,"period":null}"#,
        )
        .unwrap();
        assert_eq!((o.digits(), o.period()), (6, Some(30)));
    }

    // ----- never panic -----

    proptest! {
        #[test]
        fn doc_numbers_agree_with_json_values(n in any::<i64>(), f in any::<f64>(), u in any::<u64>()) {
            for json in [n.to_string(), u.to_string(), serde_json::to_string(&f).unwrap()] {
                prop_assert_eq!(described_as_doc_number(&json), described_as_value(&json), "{}", json);
            }
        }
    }
}
