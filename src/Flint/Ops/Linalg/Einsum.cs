namespace Flint.Ops;

/// <summary>
/// torch.einsum, as PyTorch computes it: parse the equation (letters, one "..." per operand, implicit output when
/// "->" is absent: ellipsis dims, then the labels seen once, uppercase before lowercase), take diagonals for labels
/// repeated within an operand, align every operand to one dim order (output labels first, then contracted ones),
/// then contract left to right, each pair as one bmm (<see cref="SumProductPair"/>) and a dim summed as soon as no
/// later operand has it. Built from public ops only, so it is differentiable to any order.
/// </summary>
internal static class Einsum
{
    const int Ell = -1; // the ellipsis marker in a label list

    static int LabelIndex(char c) => c is >= 'A' and <= 'Z' ? c - 'A' : c - 'a' + 26;
    static char LabelChar(int l) => l < 26 ? (char)('A' + l) : (char)('a' + l - 26);

    public static Tensor Run(string equation, Tensor[] operands)
    {
        int arrow = equation.IndexOf("->", StringComparison.Ordinal);
        string lhs = arrow < 0 ? equation : equation[..arrow];
        var opLabels = ParseLhs(lhs, operands.Length);
        int n = operands.Length;

        // ellipsis rank and label counts
        int ellDims = 0;
        var counts = new int[52];
        for (int i = 0; i < n; i++)
        {
            int nl = 0; bool hasEll = false;
            foreach (var l in opLabels[i]) { if (l == Ell) hasEll = true; else { nl++; counts[l]++; } }
            int dim = operands[i].Dim;
            if (hasEll)
            {
                if (nl > dim) throw new ArgumentException($"einsum(): the number of subscripts in the equation ({nl}) is more than the number of dimensions ({dim}) for operand {i}");
                ellDims = Math.Max(ellDims, dim - nl);
            }
            else if (nl != dim)
                throw new ArgumentException($"einsum(): the number of subscripts in the equation ({nl}) does not match the number of dimensions ({dim}) for operand {i} and no ellipsis was given");
        }

        // output: labels (and where the ellipsis goes)
        var outLabels = arrow < 0 ? ImplicitOutput(counts, opLabels) : ParseOutput(equation, arrow + 2, counts);

        // slots: output first (ellipsis expanded to ellDims slots), then contracted labels, then unkept ellipsis dims
        var labelSlot = new int[52]; Array.Fill(labelSlot, -1);
        int slots = 0, ellStart = -1;
        foreach (var l in outLabels)
        {
            if (l == Ell) { ellStart = slots; slots += ellDims; }
            else labelSlot[l] = slots++;
        }
        int outSlots = slots;
        for (int l = 0; l < 52; l++) if (counts[l] > 0 && labelSlot[l] < 0) labelSlot[l] = slots++;
        if (ellStart < 0) { ellStart = slots; slots += ellDims; }

        // align operands to the slots (size 1 where an operand lacks a slot)
        var aligned = new Tensor[n];
        var slotSize = new int[slots]; Array.Fill(slotSize, 1);
        for (int i = 0; i < n; i++) aligned[i] = Align(operands[i], opLabels[i], i, labelSlot, ellStart, ellDims, slots, slotSize);

        // last operand in which each contracted slot is non-trivial
        var lastOp = new int[slots]; Array.Fill(lastOp, -1);
        for (int i = 0; i < n; i++)
            for (int s = outSlots; s < slots; s++)
                if (aligned[i]._sizes[s] != 1) lastOp[s] = i;

        var result = aligned[0];
        var sums = new List<int>();
        for (int s = outSlots; s < slots; s++) if (lastOp[s] == 0) sums.Add(s);
        if (sums.Count > 0) result = result.Sum(sums.ToArray(), keepdim: true);

        for (int i = 1; i < n; i++)
        {
            var op = aligned[i];
            var pairSums = new List<int>();
            var opSums = new List<int>();
            for (int s = outSlots; s < slots; s++)
            {
                if (lastOp[s] != i) continue;
                if (result._sizes[s] == 1) opSums.Add(s); // only this operand has it: sum it right away
                else pairSums.Add(s);
            }
            if (opSums.Count > 0) op = op.Sum(opSums.ToArray(), keepdim: true);
            result = pairSums.Count == 0 ? result * op : SumProductPair(result, op, pairSums);
        }

        // every contracted slot now has size 1: drop them
        var outSizes = new long[outSlots];
        for (int s = 0; s < outSlots; s++) outSizes[s] = result._sizes[s];
        return result.Dim == outSlots ? result : result.Reshape(outSizes);
    }

    static List<int>[] ParseLhs(string lhs, int nOperands)
    {
        var ops = new List<List<int>> { new() };
        bool ellipsisSeen = false;
        for (int i = 0; i < lhs.Length; i++)
        {
            char c = lhs[i];
            int cur = ops.Count - 1;
            if (c == ' ') continue;
            if (c == '.')
            {
                if (ellipsisSeen) throw new ArgumentException($"einsum(): found '.' for operand {cur} for which an ellipsis was already found");
                if (i + 2 >= lhs.Length || lhs[i + 1] != '.' || lhs[i + 2] != '.')
                    throw new ArgumentException($"einsum(): found '.' for operand {cur} that is not part of any ellipsis");
                ops[cur].Add(Ell); ellipsisSeen = true; i += 2;
            }
            else if (c == ',')
            {
                if (ops.Count >= nOperands) throw new ArgumentException("einsum(): fewer operands were provided than specified in the equation");
                ops.Add(new()); ellipsisSeen = false;
            }
            else if (char.IsAsciiLetter(c)) ops[cur].Add(LabelIndex(c));
            else throw new ArgumentException($"einsum(): invalid subscript given at index {i} in the equation string, subscripts must be in [a-zA-Z]");
        }
        if (ops.Count < nOperands) throw new ArgumentException("einsum(): more operands were provided than specified in the equation");
        return [.. ops];
    }

    static List<int> ImplicitOutput(int[] counts, List<int>[] opLabels)
    {
        var o = new List<int>();
        foreach (var labels in opLabels) if (labels.Contains(Ell)) { o.Add(Ell); break; }
        for (int l = 0; l < 52; l++) if (counts[l] == 1) o.Add(l);
        return o;
    }

    static List<int> ParseOutput(string eq, int start, int[] counts)
    {
        var o = new List<int>();
        var seen = new bool[52];
        bool ell = false;
        for (int i = start; i < eq.Length; i++)
        {
            char c = eq[i];
            if (c == ' ') continue;
            if (c == '.')
            {
                if (ell) throw new ArgumentException("einsum(): found '.' for output but an ellipsis (...) was already found");
                if (i + 2 >= eq.Length || eq[i + 1] != '.' || eq[i + 2] != '.')
                    throw new ArgumentException("einsum(): found '.' for output that is not part of any ellipsis (...)");
                o.Add(Ell); ell = true; i += 2;
            }
            else if (char.IsAsciiLetter(c))
            {
                int l = LabelIndex(c);
                if (counts[l] == 0) throw new ArgumentException($"einsum(): output subscript {c} does not appear in the equation for any input operand");
                if (seen[l]) throw new ArgumentException($"einsum(): output subscript {c} appears more than once in the output");
                seen[l] = true; o.Add(l);
            }
            else throw new ArgumentException($"einsum(): invalid subscript given at index {i} in the equation string, subscripts must be in [a-zA-Z]");
        }
        return o;
    }

    /// <summary>One operand permuted and unsqueezed to every slot (views only; diagonals for repeated labels).</summary>
    static Tensor Align(Tensor x, List<int> labels, int index, int[] labelSlot, int ellStart, int ellDims, int slots, int[] slotSize)
    {
        // dim d of x → its slot
        var dimSlot = new List<int>(x.Dim);
        int ellHere = x.Dim - (labels.Count - (labels.Contains(Ell) ? 1 : 0));
        var dimLabel = new List<int>(x.Dim);
        foreach (var l in labels)
        {
            if (l == Ell)
                for (int k = 0; k < ellHere; k++) { dimSlot.Add(ellStart + ellDims - ellHere + k); dimLabel.Add(Ell); }
            else { dimSlot.Add(labelSlot[l]); dimLabel.Add(l); }
        }
        // repeated labels: the diagonal replaces the pair and goes last
        for (int d = 0; d < dimSlot.Count; d++)
        {
            if (dimLabel[d] == Ell) continue;
            for (int e = d + 1; e < dimSlot.Count; e++)
            {
                if (dimLabel[e] != dimLabel[d]) continue;
                if (x._sizes[d] != x._sizes[e])
                    throw new ArgumentException($"einsum(): subscript {LabelChar(dimLabel[d])} is repeated for operand {index} but the sizes don't match, {x._sizes[e]} != {x._sizes[d]}");
                x = x.Diagonal(0, d, e);
                int slot = dimSlot[d], lab = dimLabel[d];
                dimSlot.RemoveAt(e); dimLabel.RemoveAt(e); dimSlot.RemoveAt(d); dimLabel.RemoveAt(d);
                dimSlot.Add(slot); dimLabel.Add(lab);
                d = -1; break; // rescan
            }
        }
        // sizes must broadcast across operands
        for (int d = 0; d < dimSlot.Count; d++)
        {
            int s = dimSlot[d], size = x._sizes[d];
            if (size == 1) continue;
            if (slotSize[s] != 1 && slotSize[s] != size)
            {
                if (dimLabel[d] == Ell)
                    throw new ArgumentException($"einsum(): dimension {s - ellStart} covered by ellipsis in operand {index}has size {size} which does not broadcast with previously seen ellipsis with size {slotSize[s]} for the respective dimension");
                throw new ArgumentException($"einsum(): subscript {LabelChar(dimLabel[d])} has size {size} for operand {index} which does not broadcast with previously seen size {slotSize[s]}");
            }
            slotSize[s] = size;
        }
        // permute x's dims into slot order, then view with size-1 dims for the missing slots
        var order = new long[dimSlot.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(dimSlot.ToArray(), order);
        bool identity = true;
        for (int i = 0; i < order.Length; i++) if (order[i] != i) identity = false;
        if (!identity) x = x.Permute(order);
        if (x.Dim == slots) return x;
        var full = new long[slots]; Array.Fill(full, 1L);
        for (int d = 0; d < dimSlot.Count; d++) full[dimSlot[d]] = x._sizes[Array.IndexOf(order, (long)d)];
        return x.Reshape(full);
    }

    /// <summary>
    /// Σ over sumDims of left·right, both of the same rank (size-1 dims broadcast), keeping every dim (summed ones
    /// become size 1): dims in both → bmm batch, in one → rows/cols, summed → the inner dimension.
    /// </summary>
    internal static Tensor SumProductPair(Tensor left, Tensor right, List<int> sumDims)
    {
        int dim = left.Dim;
        var isSum = new bool[dim];
        foreach (var s in sumDims) isSum[s] = true;
        var lro = new List<int>(); var lo = new List<int>(); var ro = new List<int>(); var sd = new List<int>();
        long lroSize = 1, loSize = 1, roSize = 1, sumSize = 1;
        for (int i = 0; i < dim; i++)
        {
            bool sl = left._sizes[i] != 1, sr = right._sizes[i] != 1;
            if (isSum[i])
            {
                if (sl && sr) { sd.Add(i); sumSize *= left._sizes[i]; }
                else if (sl) left = left.Sum([i], keepdim: true);
                else if (sr) right = right.Sum([i], keepdim: true);
            }
            else if (sl && sr) { lro.Add(i); lroSize *= left._sizes[i]; }
            else if (sl) { lo.Add(i); loSize *= left._sizes[i]; }
            else { ro.Add(i); roSize *= right._sizes[i]; }
        }
        // broadcast summed dims that ended up size 1 on both sides: keep them as size-1 "ro" dims
        for (int i = 0; i < dim; i++) if (isSum[i] && !sd.Contains(i)) ro.Add(i);
        var lperm = new List<long>(); var rperm = new List<long>(); var outSize = new List<long>();
        foreach (var d in lro) { lperm.Add(d); rperm.Add(d); outSize.Add(left._sizes[d]); }
        foreach (var d in lo) { lperm.Add(d); outSize.Add(left._sizes[d]); }
        foreach (var d in sd) { lperm.Add(d); rperm.Add(d); outSize.Add(1); }
        foreach (var d in ro) { lperm.Add(d); rperm.Add(d); outSize.Add(right._sizes[d]); }
        foreach (var d in lo) rperm.Add(d);
        var operm = new long[dim];
        int k = 0;
        foreach (var d in lro) operm[d] = k++;
        foreach (var d in lo) operm[d] = k++;
        foreach (var d in sd) operm[d] = k++;
        foreach (var d in ro) operm[d] = k++;
        var l3 = left.Permute([.. lperm]).Reshape(lroSize, loSize, sumSize);
        var r3 = right.Permute([.. rperm]).Reshape(lroSize, sumSize, roSize);
        return l3.Bmm(r3).View([.. outSize]).Permute(operm);
    }
}
