//! SEAM (owner: tests helper): scenarios as data files (a network config, scripted steps and
//! expectations), shared by the scenario tests and `snowrv rpc --scenario`.
