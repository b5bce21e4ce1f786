"""Salesforce's Metadata API limits as the local org answers them (docs/salesforce-facts.md, "Metadata API deploy
and retrieve limits"): 10,000 files a deploy or retrieve, 600 MB unzipped, a 50 MB base64 zip per SOAP message."""

import base64
import io
import os
import struct
import zipfile

from cumulusci.salesforce_api import soap_envelopes as env

from localorg.models import deploy_checks
from localorg.xml import package_xml
from tests.localorg.responses.test_soap import SOAP, call, deploy_envelope, org, retrieve_envelope, text, validated

__all__ = ["org"]  # the fixture, used by name


def zip_envelope(zip_bytes: bytes) -> str:
    return env.DEPLOY.format(
        package_zip=base64.b64encode(zip_bytes).decode(),
        check_only="true",
        purge_on_delete="false",
        test_level="",
        run_tests="",
        api_version="63.0",
    )


def many_files(count: int) -> dict:
    files = {f"settings/S{i}.settings": b"x" for i in range(count - 1)}
    return {"package.xml": package_xml({}, "63.0"), **files}


def test_the_limits_are_salesforces():
    assert deploy_checks.MAX_FILES == 10_000
    assert deploy_checks.MAX_UNZIPPED == 629_145_600
    assert deploy_checks.MAX_SOAP_ZIP == 52_428_800


def test_a_deploy_of_more_than_10000_files_is_refused_at_the_call(org):
    fault = call(org, deploy_envelope(many_files(10_001)), status=500)
    assert fault.tag == f"{SOAP}Fault"
    assert fault.findtext("faultcode") == "sf:INVALID_OPERATION"
    assert fault.findtext("faultstring") == "INVALID_OPERATION: Too many files in zip"
    assert not [j for j in org.metadata.jobs.values()]  # no deploy was made


def test_a_deploy_of_10000_files_package_xml_counted_is_taken(org):
    started = call(org, deploy_envelope(many_files(10_000)))
    assert text(started, "m:result/m:id").startswith("0Af")


def test_directories_are_not_files(org):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in many_files(10_000).items():
            zf.writestr(name, data)
        zf.writestr("settings/", b"")  # a directory entry, as some zip tools write them
    assert text(call(org, zip_envelope(buf.getvalue())), "m:result/m:id").startswith("0Af")


def test_a_base64_zip_over_10_mb_is_read_and_one_over_50_mb_refused(org):
    noise = os.urandom(9 * 1024 * 1024)  # does not compress: about 12 MB base64, one text node
    started = call(org, deploy_envelope({"package.xml": package_xml({}, "63.0"), "settings/Big.settings": noise}))
    status = call(org, env.CHECK_DEPLOY_STATUS.format(process_id=text(started, "m:result/m:id")))
    assert text(status, "m:result/m:done") == "true"

    over = "A" * (deploy_checks.MAX_SOAP_ZIP + 4)
    body = env.DEPLOY.format(
        package_zip=over, check_only="true", purge_on_delete="false", test_level="", run_tests="", api_version="63.0"
    )
    fault = call(org, body, status=500)
    assert fault.findtext("faultcode") == "sf:LIMIT_EXCEEDED"
    assert "52,428,804 bytes: a SOAP message may carry at most 52,428,800" in fault.findtext("faultstring")


def claiming_size(size: int) -> bytes:
    """A small zip whose central directory says its one file unzips to `size` bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("package.xml", b"<Package/>")
    data = bytearray(buf.getvalue())
    central = data.index(b"PK\x01\x02")
    data[central + 24 : central + 28] = struct.pack("<I", size)  # uncompressed size
    return bytes(data)


def test_a_deploy_that_unzips_past_600_mb_fails_with_this_orgs_words(org, xsd):
    started = call(org, zip_envelope(claiming_size(deploy_checks.MAX_UNZIPPED + 1)))
    status = validated(xsd, call(org, env.CHECK_DEPLOY_STATUS.format(process_id=text(started, "m:result/m:id"))))
    assert text(status, "m:result/m:status") == "Failed"
    assert text(status, "m:result/m:errorMessage") == (
        "The deploy's zip unzips to 629,145,601 bytes: at most 629,145,600 (600 MB) are allowed"
    )


def retrieved(org, xsd, members):
    job = text(call(org, retrieve_envelope(members)), "m:result/m:id")
    assert text(call(org, env.CHECK_STATUS.format(process_id=job)), "m:result/m:done") == "true"
    return validated(xsd, call(org, env.CHECK_RETRIEVE_STATUS.format(process_id=job)))


def test_a_retrieve_of_more_files_than_the_limit_fails_as_salesforces_does(org, xsd, monkeypatch):
    # The seeded org holds a few dozen layouts; the limit is lowered to them rather than seeding 10,000.
    layouts = org.metadata.members("Layout")
    monkeypatch.setattr(deploy_checks, "MAX_FILES", len(layouts))  # the layouts and package.xml: one too many
    result = retrieved(org, xsd, {"Layout": layouts})
    assert [text(result, f"m:result/m:{f}") for f in ("status", "success", "errorStatusCode")] == [
        "Failed",
        "false",
        "LIMIT_EXCEEDED",
    ]
    assert text(result, "m:result/m:errorMessage") == (
        f"LIMIT_EXCEEDED: Too many files in retrieve call, limit is: {len(layouts)}"
    )
    assert not text(result, "m:result/m:zipFile")

    monkeypatch.setattr(deploy_checks, "MAX_FILES", len(layouts) + 1)
    assert text(retrieved(org, xsd, {"Layout": layouts}), "m:result/m:status") == "Succeeded"


def test_a_retrieve_over_the_size_limits_fails_in_this_orgs_words(org, xsd, monkeypatch):
    monkeypatch.setattr(deploy_checks, "MAX_UNZIPPED", 100)
    result = retrieved(org, xsd, {"Layout": ["Contact-Contact Layout"]})
    assert "at most 100 (600 MB) are allowed" in text(result, "m:result/m:errorMessage")
    monkeypatch.setattr(deploy_checks, "MAX_UNZIPPED", 629_145_600)
    monkeypatch.setattr(deploy_checks, "MAX_SOAP_ZIP", 100)
    result = retrieved(org, xsd, {"Layout": ["Contact-Contact Layout"]})
    assert "base64-encoded: a SOAP message may carry at most 100" in text(result, "m:result/m:errorMessage")
