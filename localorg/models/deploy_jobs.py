"""A deploy's life after `deploy` answers: queued (Pending) for as many status polls as the org's settings say,
then run; canceled while queued (cancelDeploy); and a validation (a checkOnly deploy that succeeded) deployed
again without being judged anew (deployRecentValidation, `sf project deploy quick`). Metadata API Developer
Guide: deploy, cancelDeploy, deployRecentValidation, DeployStatus.
"""

from dataclasses import dataclass

from localorg.exceptions import SoapFault
from localorg.models.deploy_plan import DeployOutcome
from localorg.models.ids import random_id

QUICK_DEPLOY_DAYS = 10  # a validation can be quick-deployed for 10 days (deployRecentValidation)


@dataclass
class DeployRequest:
    """What a deploy was asked to do, kept to run it later (queued) or again (a quick deploy)."""

    zip_bytes: bytes
    single_package: bool
    fail_names: frozenset


def submit(store, request: DeployRequest, check_only, rollback_on_error, ignore_warnings, queued_polls=0):
    """A new deploy: run at once, or Pending until `queued_polls` status polls have seen it waiting."""
    outcome = DeployOutcome(random_id("0Af"), check_only, rollback_on_error, "", "", "Pending", None)
    outcome.ignore_warnings, outcome.request, outcome.polls_left = ignore_warnings, request, queued_polls
    if queued_polls:
        outcome.created = store.now()
        store.jobs[outcome.id] = outcome
        return outcome
    return _run(store, outcome)


def _run(store, outcome: DeployOutcome) -> DeployOutcome:
    r = outcome.request
    return store.deploy(
        r.zip_bytes,
        check_only=outcome.check_only,
        rollback_on_error=outcome.rollback_on_error,
        single_package=r.single_package,
        fail_names=r.fail_names,
        ignore_warnings=outcome.ignore_warnings,
        outcome=outcome,
    )


def _deploy(store, deploy_id: str) -> DeployOutcome:
    job = store.jobs.get(deploy_id or "")
    if not isinstance(job, DeployOutcome):
        raise SoapFault("sf:INVALID_ID_FIELD", f"INVALID_ID_FIELD: invalid id: {deploy_id}")
    return job


def poll(store, deploy_id: str) -> DeployOutcome:
    """The deploy as checkDeployStatus sees it; a queued one moves one poll closer to running."""
    job = _deploy(store, deploy_id)
    if job.status == "Pending":
        job.polls_left -= 1
        if job.polls_left <= 0:
            _run(store, job)
    return job


def cancel(store, deploy_id: str) -> DeployOutcome:
    """Cancel a queued deploy: nothing of it is applied. A finished one cannot be canceled."""
    job = _deploy(store, deploy_id)
    if job.done:
        # This org's words, naming what is allowed.
        raise SoapFault(
            "sf:INVALID_ID_FIELD",
            f"INVALID_ID_FIELD: deploy {deploy_id} has already finished ({job.status}); "
            "only a queued or running deploy can be canceled",
        )
    job.status, job.completed = "Canceled", store.now()
    return job


def quick_deploy(store, validation_id: str) -> DeployOutcome:
    """Deploy a validation's components again, for real, without running its checks' tests again."""
    job = _deploy(store, validation_id)
    if not job.check_only or job.status != "Succeeded" or job.request is None:
        # This org's words: what makes a deploy quick-deployable (deployRecentValidation).
        raise SoapFault(
            "sf:INVALID_ID_FIELD",
            f"INVALID_ID_FIELD: {validation_id} is not a validation that succeeded: deployRecentValidation takes the "
            f"id of a checkOnly deploy that succeeded in the last {QUICK_DEPLOY_DAYS} days",
        )
    if job.quick_deployed:
        raise SoapFault("sf:INVALID_ID_FIELD", f"INVALID_ID_FIELD: validation {validation_id} was already deployed")
    job.quick_deployed = True
    return submit(store, job.request, False, job.rollback_on_error, job.ignore_warnings)
