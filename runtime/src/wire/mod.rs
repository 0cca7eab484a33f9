//! Alibaba's RPC flattening as serde formats: a typed request becomes
//! `Name.1.Field=value` pairs ([`to_params`]), and received pairs become a
//! typed request again (`from_params`, the server side: feature `server`).
//!
//! Rules (what the official SDKs send): fields in declaration order under
//! their serde names, nested objects as `Parent.Field`, list items 1-based
//! (`Tags.1.Key`, `ListenerIds.2`), booleans `true`/`false`, integers in
//! decimal, absent (`None`) values and empty lists omitted.

mod codec;
#[cfg(feature = "server")]
mod de;
mod ser;

pub use codec::{decode_slot, decode_struct, skip_value, DecodeFields, Slot};
#[cfg(feature = "server")]
pub use de::{from_params, DeError};
pub use ser::{to_param_map, to_params, write_params, SerError};

/// A string value, for the `Deserialize` of generated enums.
pub fn deserialize_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    <String as serde::Deserialize>::deserialize(d)
}
