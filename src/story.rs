//! An engine run as an ordered list of narrated steps.
