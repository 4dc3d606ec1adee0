# Sourced by fetch.sh and clean.sh: start_volume_pod runs fetch-pod.yaml
# with PROVERSIM_IMAGE, waits until it is ready, and deletes it when the
# calling script exits.
start_volume_pod() {
    local image=${PROVERSIM_IMAGE:?set PROVERSIM_IMAGE to the proversim image (see the Dockerfile)}
    sed "s|image: proversim$|image: $image|" "$here/fetch-pod.yaml" | kubectl apply -f -
    trap 'kubectl delete pod proversim-fetch --ignore-not-found --wait=false > /dev/null' EXIT
    kubectl wait --for=condition=Ready pod/proversim-fetch --timeout=5m
}
