//! The page summary's "not found on this page (present in the version of
//! DATE)": provisions of the page's own document that the page does not carry,
//! tested on a real recorded page with a provision cut out.

mod common;

use termlens::engine::Engine;

const AWS_LATEST: &str = "aws/service-terms/2026-08-21.md";
const AWS_URL: &str = "https://aws.amazon.com/service-terms/";

fn engine() -> Engine {
    Engine::new(common::knowledge_base().kb)
}

fn page() -> String {
    termlens::extract::read_text(&common::corpus().join(AWS_LATEST)).expect("corpus page")
}

#[test]
fn a_provision_cut_out_of_the_page_is_listed_missing_with_its_version() {
    if common::skip_without_corpus() {
        return;
    }
    let engine = engine();
    let text = page();
    let whole = engine.annotate(&text, AWS_URL);
    let found: Vec<&str> = whole
        .annotations
        .iter()
        .map(|a| a.provision.as_str())
        .collect();
    assert!(
        found.contains(&"aws.bedrock-usage-info-sharing"),
        "{found:?}"
    );
    // On the latest recorded version, only provisions whose newest wording
    // ended before it can be missing.
    for m in &whole.missing {
        assert!(
            m.version.as_str() < "2026-08-21",
            "{} missing from the version it was recorded in ({})",
            m.provision,
            m.version
        );
    }

    // The same page without one clause.
    let cut = whole
        .annotations
        .iter()
        .find(|a| a.provision == "aws.bedrock-usage-info-sharing")
        .expect("found")
        .text
        .clone();
    let edited = text.replacen(&cut, "", 1);
    assert!(edited.len() < text.len());
    let result = engine.annotate(&edited, AWS_URL);
    let missing: Vec<(&str, &str, &str)> = result
        .missing
        .iter()
        .map(|m| (m.provision.as_str(), m.title.as_str(), m.version.as_str()))
        .collect();
    let title = engine
        .kb()
        .provision("aws.bedrock-usage-info-sharing")
        .expect("known")
        .title
        .clone();
    assert!(
        missing.contains(&(
            "aws.bedrock-usage-info-sharing",
            title.as_str(),
            "2026-08-21"
        )),
        "{missing:?}"
    );
    assert_eq!(result.missing.len(), whole.missing.len() + 1);
    assert!(
        !result
            .annotations
            .iter()
            .any(|a| a.provision == "aws.bedrock-usage-info-sharing")
    );
}

#[test]
fn pages_that_are_not_a_known_document_list_nothing_missing() {
    if common::skip_without_corpus() {
        return;
    }
    let engine = engine();
    // The AWS terms quoted on some other site: their clauses are found, but
    // the page is not the vendor's document, so nothing is "missing".
    let result = engine.annotate(&page(), "https://example.org/aws-terms-mirror");
    assert!(!result.annotations.is_empty());
    assert!(result.missing.is_empty(), "{:?}", result.missing);
    // A known document's URL with almost nothing of it: everything it has is missing.
    let empty = engine.annotate("AWS Service Terms\nNothing here yet.", AWS_URL);
    let known = engine
        .kb()
        .provisions
        .iter()
        .filter(|p| p.document == "aws/service-terms")
        .count();
    assert_eq!(empty.missing.len(), known);
}

#[test]
fn fingerprints_are_the_latest_recorded_version_of_each_known_document() {
    if common::skip_without_corpus() {
        return;
    }
    let loaded = common::knowledge_base();
    let (prints, problems) =
        termlens::build::fingerprints::of_known_documents(&loaded.kb, &common::corpus());
    assert!(problems.is_empty(), "{problems:?}");
    let aws = prints
        .iter()
        .find(|p| p.document == "aws/service-terms")
        .expect("AWS Service Terms");
    assert_eq!(aws.date, "2026-08-21");
    assert_eq!(aws.snapshot.date.as_deref(), Some("2026-08-21"));
    assert_eq!(
        termlens::diff::fingerprint_file(&aws.document).as_deref(),
        Some("aws--service-terms.json")
    );
    // The fingerprint is the page's snapshot: the latest page has no change against it.
    let back = termlens::diff::Snapshot::from_json(&aws.snapshot.to_json()).expect("reads");
    assert!(termlens::diff::diff(&back, &page()).changes.is_empty());
    // One per known document with a recorded version.
    assert!(prints.len() >= 30, "{}", prints.len());
}

#[test]
fn each_annotation_carries_its_provisions_exposure_in_lower_case() {
    if common::skip_without_corpus() {
        return;
    }
    let kb = common::knowledge_base().kb;
    let result = engine().annotate(&page(), AWS_URL);
    assert!(!result.annotations.is_empty());
    for a in &result.annotations {
        let p = kb
            .provisions
            .iter()
            .find(|p| p.id == a.provision)
            .expect("annotated provision is known");
        assert_eq!(a.exposure, p.compliance.exposure, "{}", a.provision);
        let json = serde_json::to_value(a).expect("serialises");
        let level = json["exposure"].as_str().expect("exposure is a string");
        assert!(["low", "medium", "high"].contains(&level), "{level}");
    }
}
