// The entry of a child process running one task attempt for the local executor (filled in next).
export {};
