/**
 * Resource planning: available heap and cores → worker threads, rows per band, frames per block,
 * and the whole-frame fast-path threshold ({@link org.tessera.plan.ResourcePlan},
 * {@link org.tessera.plan.StackLayout}). See docs/stacking.md.
 */
package org.tessera.plan;
