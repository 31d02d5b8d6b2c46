//! lumiku-testkit
