//! The benchmarked responses carry every field the specs declare and decode into the SDK's types.

use benchmarks::fixtures::{describe_db_instance_attribute, describe_db_instances_page};
use benchmarks::real_specs_dir;
use codegen::spec::{FieldSpec, SpecSet};
use rds_api::models::{Engine, InstanceStatus, LockMode};
use rds_api::{DescribeDbInstanceAttributeResponse, DescribeDbInstancesResponse};
use serde_json::Value;

/// The wire names of the fields of the items of `operation`'s response list `Items`.
fn item_fields(set: &SpecSet, operation: &str) -> Vec<String> {
    let op = set.operations.iter().find(|op| op.name.value == operation).expect("the operation is in the specs");
    let items = op.response.iter().find(|f| f.name.value == "Items").expect("the response has Items");
    let item = items.ty.items.as_ref().expect("Items is a list");
    item.fields.iter().map(|f: &FieldSpec| f.name.value.clone()).collect()
}

/// The objects of the wrapped list `Items.<wrapper>` of an answer.
fn wrapped_items(body: &[u8], wrapper: &str) -> Vec<serde_json::Map<String, Value>> {
    let answer: Value = serde_json::from_slice(body).unwrap();
    let list = answer["Items"][wrapper].as_array().expect("a wrapped list").clone();
    list.into_iter().map(|item| item.as_object().unwrap().clone()).collect()
}

#[test]
fn every_spec_field_of_an_instance_is_in_the_page() {
    let set = codegen::load::load_dir(&real_specs_dir()).unwrap();
    let fields = item_fields(&set, "DescribeDBInstances");
    let items = wrapped_items(&describe_db_instances_page(100), "DBInstance");
    assert_eq!(items.len(), 100);
    for item in &items {
        for field in &fields {
            assert!(item.contains_key(field), "{field} missing");
        }
        assert_eq!(item.len(), fields.len(), "only the spec's fields");
    }
}

#[test]
fn every_spec_field_of_an_attribute_is_in_the_answer() {
    let set = codegen::load::load_dir(&real_specs_dir()).unwrap();
    let fields = item_fields(&set, "DescribeDBInstanceAttribute");
    let items = wrapped_items(&describe_db_instance_attribute(), "DBInstanceAttribute");
    assert_eq!(items.len(), 1);
    for field in &fields {
        assert!(items[0].contains_key(field), "{field} missing");
    }
    assert_eq!(items[0].len(), fields.len(), "only the spec's fields");
}

#[test]
fn the_page_decodes() {
    let page: DescribeDbInstancesResponse = rds_api::runtime::de::from_slice(&describe_db_instances_page(100)).unwrap();
    assert_eq!(page.instances.len(), 100);
    assert_eq!(page.page_record_count, Some(100));
    let first = &page.instances[0];
    assert_eq!(first.engine, Some(Engine::SqlServer));
    assert_eq!(first.db_instance_status, Some(InstanceStatus::Running));
    assert_eq!(first.lock_mode, Some(LockMode::Unlock));
    assert_eq!(first.db_instance_memory, Some(4096));
    assert_eq!(first.multiple_or_single, Some(true));
    assert!(page.instances.iter().all(|i| !matches!(i.engine, Some(Engine::Unknown(_)) | None)));
    assert!(page.instances.iter().all(|i| !matches!(i.db_instance_status, Some(InstanceStatus::Unknown(_)) | None)));
}

#[test]
fn the_attribute_decodes() {
    let answer: DescribeDbInstanceAttributeResponse =
        rds_api::runtime::de::from_slice(&describe_db_instance_attribute()).unwrap();
    assert_eq!(answer.instances.len(), 1);
    let instance = &answer.instances[0];
    assert_eq!(instance.db_instance_storage, Some(200));
    assert_eq!(instance.read_only_instances.len(), 2);
    assert_eq!(instance.secondary_zones.len(), 2);
}
