//! Load balancer rules: zones in the VPC, addresses, deletion protection,
//! access logs, IPv6, capacity reservations, zone shifts, resource groups.

use alb_runtime::server::model::SetValue;
use alb_runtime::server::Refusal;
use serde_json::{json, Value};

use crate::engine::checks;
use crate::engine::json;
use crate::engine::store::spec;
use crate::engine::Cx;

fn target(cx: &Cx) -> Option<Value> {
    let id = cx.target.clone()?;
    cx.m.get("LoadBalancer", &id).cloned()
}

/// Each zone mapping's vSwitch is in its zone and in the instance's VPC
/// (`Mismatch.ZoneIdAndVSwitchId`, `ResourceNotFound.VSwitch`).
pub fn zone_mappings_in_vpc(cx: &mut Cx) -> Result<(), Refusal> {
    let vpc = cx
        .text("VpcId")
        .or_else(|| target(cx).and_then(|lb| lb.get("VpcId").and_then(json::text)));
    for zm in json::list(&cx.req, "ZoneMappings") {
        let (Some(vsw), Some(zone)) = (
            zm.get("VSwitchId").and_then(json::text),
            zm.get("ZoneId").and_then(json::text),
        ) else {
            continue;
        };
        let Some((v, s)) = cx.m.world.vswitch(&vsw) else {
            return Err(Refusal::new("ResourceNotFound.VSwitch", [vsw]));
        };
        if s.zone_id != zone {
            return Err(Refusal::new("Mismatch.ZoneIdAndVSwitchId", [zone, vsw]));
        }
        if vpc.as_deref().is_some_and(|vpc| vpc != v.vpc_id) {
            return Err(Refusal::new(
                "Mismatch.VpcId",
                ["VpcId".to_string(), vpc.unwrap_or_default(), vsw],
            ));
        }
    }
    Ok(())
}

/// Gives every zone mapping without addresses an intranet address (and a
/// public one for an Internet instance).
pub fn addresses(cx: &mut Cx, _out: &mut Value) -> Result<(), Refusal> {
    let Some(id) = cx.target.clone() else {
        return Ok(());
    };
    let Some(lb) = cx.m.get_mut("LoadBalancer", &id) else {
        return Ok(());
    };
    let internet = lb.get("AddressType").and_then(Value::as_str) == Some("Internet");
    for (i, zm) in json::list_mut(lb, "ZoneMappings").iter_mut().enumerate() {
        if zm.get("Status").is_none() {
            zm["Status"] = json!("Active");
        }
        if json::list(zm, "LoadBalancerAddresses").is_empty() {
            let mut a = json!({"IntranetAddress": format!("192.168.{i}.{}", 20 + i)});
            if let Some(eip) = zm.get("AllocationId").cloned() {
                a["AllocationId"] = eip;
            }
            zm["LoadBalancerAddresses"] = json!([a]);
        }
        // Public addresses follow the address type (it may have changed).
        for a in json::list_mut(zm, "LoadBalancerAddresses") {
            match (internet, a.get("Address").is_some()) {
                (true, false) => a["Address"] = json!(format!("47.96.{i}.{}", 30 + i)),
                (false, true) => json::remove(a, "Address"),
                _ => {}
            }
        }
    }
    Ok(())
}

/// CreateLoadBalancer takes `SecurityGroupIds` as objects; the answers list
/// the IDs.
pub fn security_group_ids_flat(cx: &mut Cx, _out: &mut Value) -> Result<(), Refusal> {
    let Some(id) = cx.target.clone() else {
        return Ok(());
    };
    if let Some(lb) = cx.m.get_mut("LoadBalancer", &id) {
        let flat: Vec<Value> = json::list(lb, "SecurityGroupIds")
            .iter()
            .map(|g| {
                g.get("SecurityGroupId")
                    .cloned()
                    .unwrap_or_else(|| g.clone())
            })
            .collect();
        lb["SecurityGroupIds"] = Value::Array(flat);
    }
    Ok(())
}

/// A load balancer with deletion protection on cannot be deleted.
pub fn deletion_protection(cx: &mut Cx) -> Result<(), Refusal> {
    if let Some(lb) = target(cx) {
        if json::get(&lb, "DeletionProtectionConfig.Enabled").and_then(Value::as_bool) == Some(true)
        {
            let id = lb
                .get("LoadBalancerId")
                .and_then(json::text)
                .unwrap_or_default();
            return Err(Refusal::new(
                "OperationDenied.DeletionProtectionEnabled",
                [id],
            ));
        }
    }
    Ok(())
}

fn access_log(cx: &Cx) -> bool {
    target(cx).is_some_and(|lb| json::get(&lb, "AccessLogConfig.LogStore").is_some())
}

/// Enabling an access log that is on already is refused.
pub fn access_log_off(cx: &mut Cx) -> Result<(), Refusal> {
    if access_log(cx) && cx.documents("OperationDenied.AccessLogEnabled") {
        return Err(Refusal::new(
            "OperationDenied.AccessLogEnabled",
            ["AccessLogEnabled"],
        ));
    }
    Ok(())
}

/// Disabling an access log that is off is refused.
pub fn access_log_on(cx: &mut Cx) -> Result<(), Refusal> {
    if !access_log(cx) && cx.documents("OperationDenied.AccessLogDisabled") {
        return Err(Refusal::new(
            "OperationDenied.AccessLogDisabled",
            ["AccessLogDisabled"],
        ));
    }
    Ok(())
}

/// IPv6 Internet access needs a dual-stack instance.
pub fn dual_stack(cx: &mut Cx) -> Result<(), Refusal> {
    if let Some(lb) = target(cx) {
        if lb.get("AddressIpVersion").and_then(Value::as_str) != Some("DualStack") {
            return Err(Refusal::new(
                "OperationDenied.NonDualStackInstance",
                ["NonDualStackInstance"],
            ));
        }
    }
    Ok(())
}

/// Enabling public IPv6 on an instance whose IPv6 addresses are public
/// already (`OperationDenied.Ipv6InternetInstance`), or disabling it where
/// they are private (`OperationDenied.Ipv6IntranetInstance`): the binding's
/// `set` says which type the call makes.
pub fn ipv6_type_changes(cx: &mut Cx) -> Result<(), Refusal> {
    let wanted = cx.binding.set.iter().find_map(|(path, v)| match v {
        SetValue::Literal(text) if *path == "Ipv6AddressType" => {
            serde_json::from_str::<String>(text).ok()
        }
        _ => None,
    });
    let (Some(lb), Some(wanted)) = (target(cx), wanted) else {
        return Ok(());
    };
    let current = lb
        .get("Ipv6AddressType")
        .and_then(json::text)
        .unwrap_or("Intranet".into());
    let code = format!("OperationDenied.Ipv6{wanted}Instance");
    if current == wanted && cx.documents(&code) {
        return Err(Refusal::new(code, [format!("Ipv6{wanted}Instance")]));
    }
    Ok(())
}

/// UpdateLoadBalancerEdition: the current edition again is
/// `OperationDenied.EditionNotChanged`, a move to `Basic`
/// `OperationDenied.Downgrade`.
pub fn edition_change(cx: &mut Cx) -> Result<(), Refusal> {
    let (Some(lb), Some(wanted)) = (target(cx), cx.text("LoadBalancerEdition")) else {
        return Ok(());
    };
    let current = lb
        .get("LoadBalancerEdition")
        .and_then(json::text)
        .unwrap_or_default();
    if current == wanted {
        return Err(Refusal::new(
            "OperationDenied.EditionNotChanged",
            ["EditionNotChanged"],
        ));
    }
    if wanted == "Basic" {
        return Err(Refusal::new("OperationDenied.Downgrade", ["Downgrade"]));
    }
    Ok(())
}

/// UpdateLoadBalancerAddressTypeConfig to the type the instance has is
/// `OperationDenied.AddressTypeNotChanged`.
pub fn address_type_changes(cx: &mut Cx) -> Result<(), Refusal> {
    let (Some(lb), Some(wanted)) = (target(cx), cx.text("AddressType")) else {
        return Ok(());
    };
    if lb.get("AddressType").and_then(json::text).as_deref() == Some(wanted.as_str()) {
        return Err(Refusal::new::<String>(
            "OperationDenied.AddressTypeNotChanged",
            [],
        ));
    }
    Ok(())
}

/// DescribeCapacityReservation answers the reservation and each zone's
/// state; ModifyCapacityReservation's change (or reset) is stored.
pub fn capacity_reservation(cx: &mut Cx, out: &mut Value) -> Result<(), Refusal> {
    let Some(id) = cx.target.clone() else {
        return Ok(());
    };
    let reset = cx
        .field("ResetCapacityReservation")
        .and_then(Value::as_bool)
        == Some(true);
    let Some(lb) = cx.m.get_mut("LoadBalancer", &id) else {
        return Ok(());
    };
    if reset {
        json::remove(lb, "MinimumLoadBalancerCapacity");
    }
    let units = json::get(lb, "MinimumLoadBalancerCapacity.CapacityUnits").and_then(Value::as_i64);
    let zones: Vec<Value> = json::list(lb, "ZoneMappings")
        .iter()
        .filter_map(|z| z.get("ZoneId").cloned())
        .map(|z| json!({"AvailabilityZone": z, "Status": "Provisioned", "EffectiveCapacityUnits": units.unwrap_or(0) as f64}))
        .collect();
    if cx.binding.verb == alb_runtime::server::model::Verb::Get {
        if let Some(u) = units {
            out["MinimumLoadBalancerCapacity"] = json!({"CapacityUnits": u});
            out["CapacityReservationState"] = Value::Array(zones);
        }
        out["DecreaseRequestsRemaining"] = json!(3);
    }
    Ok(())
}

/// StartShiftLoadBalancerZones takes zones out of service (`Shifted`);
/// CancelShiftLoadBalancerZones puts them back (`Active`).
pub fn shift_zones(cx: &mut Cx, _out: &mut Value) -> Result<(), Refusal> {
    let r = spec()
        .resource("LoadBalancer")
        .expect("the spec has load balancers");
    let id = cx.text("LoadBalancerId").unwrap_or_default();
    let lb = checks::find(cx, r, &id)?;
    checks::access(cx, r.name, &lb)?;
    checks::status(cx, r, &lb, &[])?;
    let shift = cx.action().starts_with("Start");
    let zones: Vec<String> = json::list(&cx.req, "ZoneMappings")
        .iter()
        .filter_map(|z| z.get("ZoneId").and_then(json::text))
        .collect();
    for z in &zones {
        if !json::list(&lb, "ZoneMappings")
            .iter()
            .any(|m| m.get("ZoneId").and_then(json::text).as_deref() == Some(z))
        {
            return Err(Refusal::new("Mismatch.ZoneIdAndVSwitchId", [z.as_str()]));
        }
    }
    let active = json::list(&lb, "ZoneMappings")
        .iter()
        .filter(|m| m.get("Status").and_then(Value::as_str) != Some("Shifted"))
        .count();
    if shift
        && active <= zones.len()
        && cx.documents("OperationDenied.ConfigLastActiveZoneNotSupport")
    {
        return Err(Refusal::new(
            "OperationDenied.ConfigLastActiveZoneNotSupport",
            ["ConfigLastActiveZoneNotSupport"],
        ));
    }
    cx.commit()?;
    if let Some(lb) = cx.m.get_mut(r.name, &id) {
        for m in json::list_mut(lb, "ZoneMappings") {
            if m.get("ZoneId")
                .and_then(json::text)
                .is_some_and(|z| zones.contains(&z))
            {
                m["Status"] = json!(if shift { "Shifted" } else { "Active" });
            }
        }
    }
    Ok(())
}

/// MoveResourceGroup: the resource named by ResourceType and ResourceId
/// goes to NewResourceGroupId.
pub fn move_resource_group(cx: &mut Cx, _out: &mut Value) -> Result<(), Refusal> {
    let t = cx.text("ResourceType").unwrap_or_default();
    let r = spec()
        .by_tag_type(&t)
        .or_else(|| {
            spec()
                .resources
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(&t))
        })
        .ok_or_else(|| Refusal::new("InvalidParameter", ["ResourceType"]))?;
    let id = cx.text("ResourceId").unwrap_or_default();
    let rec = checks::find(cx, r, &id)?;
    checks::access(cx, r.name, &rec)?;
    checks::references(cx, &cx.req.clone(), &["ResourceId"])?;
    cx.commit()?;
    let group = cx.text("NewResourceGroupId").unwrap_or_default();
    if let Some(rec) = cx.m.get_mut(r.name, &id) {
        rec["ResourceGroupId"] = json!(group);
    }
    Ok(())
}
