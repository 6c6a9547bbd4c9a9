"""The contract (ACI) side of the platform: the December indicator build and the nightly tracking.

Plain functions (no Prefect) so they are tested directly; `contract.tasks` wraps them for the flows.
"""
