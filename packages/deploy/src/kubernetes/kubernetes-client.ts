import { loadKubeConfig, loadKubernetesClient } from '@mlp/core/kubernetes';

export { apiMessageOf, apiStatusOf } from '@mlp/core/kubernetes';

/** A client for any object kind (see core's loadKubeConfig for where its config comes from). */
export async function openObjectClient(kubeconfig?: string) {
  const k8s = await loadKubernetesClient({ feature: 'the Kubernetes target', packageName: '@mlp/deploy' });
  const { config, namespace } = loadKubeConfig(k8s, kubeconfig);
  return { k8s, client: k8s.KubernetesObjectApi.makeApiClient(config), namespace };
}
