import { loadKubeConfig as configFrom, loadKubernetesClient } from '@mlp/core/kubernetes';

export { apiMessageOf, apiStatusOf } from '@mlp/core/kubernetes';

/** client-node and the executor's KubeConfig (see core's loadKubeConfig for where it comes from). */
export async function loadKubeConfig(kubeconfig?: string) {
  const k8s = await loadKubernetesClient({ feature: 'the kubernetes executor', packageName: '@mlp/orchestrate' });
  return { k8s, ...configFrom(k8s, kubeconfig) };
}
