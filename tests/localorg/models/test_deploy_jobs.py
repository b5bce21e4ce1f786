"""A deploy's life in the model: queued for the org's polls then run, canceled while queued, a validation
quick-deployed once; what Salesforce refuses is refused and changes nothing."""

import pytest

from localorg.exceptions import SoapFault
from localorg.models import deploy_jobs
from tests.localorg.models.test_metadata import CONSENT_ON, make_store, pkg, snapshot, zip_of

FILES = {"package.xml": pkg({"Settings": ["PartyDataModel"]}), "settings/PartyDataModel.settings": CONSENT_ON}


def request():
    return deploy_jobs.DeployRequest(zip_of(FILES), True, frozenset())


def consent(store):
    return store.settings_value("PartyDataModelSettings", "enableConsentManagement")


def test_a_queued_deploy_runs_after_its_polls_and_a_finished_one_cannot_be_canceled(tmp_path):
    store = make_store(tmp_path)
    job = deploy_jobs.submit(store, request(), False, True, False, queued_polls=2)
    assert (job.status, job.done) == ("Pending", False)
    assert deploy_jobs.poll(store, job.id).status == "Pending" and consent(store) is False
    assert deploy_jobs.poll(store, job.id).status == "Succeeded" and consent(store) is True
    with pytest.raises(SoapFault, match="already finished \\(Succeeded\\)"):
        deploy_jobs.cancel(store, job.id)


def test_a_canceled_deploy_applies_nothing(tmp_path):
    store = make_store(tmp_path / "org")
    before = snapshot(tmp_path / "org")
    job = deploy_jobs.submit(store, request(), False, True, False, queued_polls=1)
    assert deploy_jobs.cancel(store, job.id).status == "Canceled" and job.done
    assert deploy_jobs.poll(store, job.id).status == "Canceled" and snapshot(tmp_path / "org") == before


def test_only_a_succeeded_validation_is_quick_deployed_and_only_once(tmp_path):
    store = make_store(tmp_path)
    real = deploy_jobs.submit(store, request(), False, True, False)
    with pytest.raises(SoapFault, match="not a validation that succeeded"):
        deploy_jobs.quick_deploy(store, real.id)
    store = make_store(tmp_path / "second")
    validation = deploy_jobs.submit(store, request(), True, True, False)
    assert validation.status == "Succeeded" and consent(store) is False
    quick = deploy_jobs.quick_deploy(store, validation.id)
    assert quick.id != validation.id and not quick.check_only and consent(store) is True
    with pytest.raises(SoapFault, match="already deployed"):
        deploy_jobs.quick_deploy(store, validation.id)
    with pytest.raises(SoapFault, match="invalid id"):
        deploy_jobs.poll(store, "0Af000000000000AAA")
