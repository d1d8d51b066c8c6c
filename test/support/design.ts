/** The nine states of the seed's design: their names are a contract. */
export const DESIGN_STATES = [
  'PerceptionPhase',
  'ReasoningPhase',
  'ExecutionPhase',
  'ValidationPhase',
  'CheckValidationResult',
  'UpgradeSuccess',
  'TriggerRollback',
  'HandleFailure',
  'UpgradeFailure',
];
