//! STUB (replaced by the codes helper).
