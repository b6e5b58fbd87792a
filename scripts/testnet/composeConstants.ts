// The container side of `tau-node testnet --emit compose`: what the Dockerfile sets up.

/** The image the compose file names unless --image says otherwise (built from the repo's Dockerfile). */
export const COMPOSE_DEFAULT_IMAGE = 'tau-node:latest'
/** UDP port of the DHT inside each container (Dockerfile: TAU_DHT_PORT). */
export const COMPOSE_DHT_PORT = 7000
/** TCP port of the API inside each container (Dockerfile: TAU_API_PORT). */
export const COMPOSE_API_PORT = 8080
/** uid and gid of the image's `tau` user, which must be able to read the key secret. */
export const COMPOSE_IMAGE_UID = 1000
