export {
  type DeploymentSpec,
  type DeploymentSpecInput,
  type DeploymentStrategy,
  type DeploymentTarget,
  deploymentSpecSchema,
  deploymentStrategies,
  deploymentTargets,
} from './deployment/deployment-spec.js';
