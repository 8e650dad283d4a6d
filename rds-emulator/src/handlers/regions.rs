//! DescribeRegions: every zone of every region the emulator knows (see `crate::regions`), in the language
//! `AcceptLanguage` asks for.

use serde_json::json;

use super::{decode, Ctx, Params, Reply};
use crate::regions::{self, Language};

pub(super) fn describe_regions(ctx: &mut Ctx<'_>, params: &Params) -> Reply {
    let req = decode::<rds_api::DescribeRegionsRequest>(params)?;
    let language = Language::from_accept_language(req.accept_language.as_deref());
    let zones: Vec<_> = regions::zones(ctx.state, language)
        .into_iter()
        .map(|zone| {
            json!({
                "RegionId": zone.region_id,
                "ZoneId": zone.zone_id,
                "LocalName": zone.local_name,
                "ZoneName": zone.zone_name,
                "RegionEndpoint": zone.region_endpoint,
            })
        })
        .collect();
    Ok(json!({ "Regions": { "RDSRegion": zones } }))
}
