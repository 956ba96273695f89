"""autograder: turn a student's answer to an encoder-kit question into a Result."""
